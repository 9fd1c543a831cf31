package io.corral.erlang;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the hidden node joins the cluster. Immutable; defaults in one place ({@link Builder}).
 *
 * @param nodeName full node name {@code name@host}
 * @param cookie the distribution cookie
 * @param peers nodes connected to at start and reconnected to when they come back
 * @param reconnectInterval how often unreachable peers are retried
 * @param epmdPort epmd's port ({@code ERL_EPMD_PORT}, 4369 by default)
 */
public record NodeSettings(String nodeName, String cookie, List<String> peers, Duration reconnectInterval, int epmdPort) {

    public NodeSettings {
        Objects.requireNonNull(nodeName);
        Objects.requireNonNull(cookie);
        peers = List.copyOf(peers);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The part before {@code @}. */
    public String alive() {
        return nodeName.substring(0, nodeName.indexOf('@'));
    }

    public static final class Builder {
        private final String name;
        private boolean longNames;
        private String cookie;
        private Path cookieFile;
        private List<String> peers = List.of();
        private Duration reconnectInterval = Duration.ofSeconds(2);
        private int epmdPort = defaultEpmdPort();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name);
        }

        /** Like {@code erl -name}: the default host is the fully qualified one. Default: short names, as {@code -sname}. */
        public Builder longNames(boolean v) {
            longNames = v;
            return this;
        }

        public Builder cookie(String v) {
            cookie = v;
            return this;
        }

        /** Read the cookie from this file (default {@code ~/.erlang.cookie}, created as {@code erl} does if absent). */
        public Builder cookieFile(Path v) {
            cookieFile = v;
            return this;
        }

        public Builder peers(List<String> v) {
            peers = List.copyOf(v);
            return this;
        }

        public Builder reconnectInterval(Duration v) {
            reconnectInterval = v;
            return this;
        }

        public Builder epmdPort(int v) {
            epmdPort = v;
            return this;
        }

        public NodeSettings build() {
            String full = name.contains("@") ? name : name + "@" + localHost(longNames);
            String c = cookie != null ? cookie : readCookie(cookieFile != null ? cookieFile
                    : Path.of(System.getProperty("user.home"), ".erlang.cookie"));
            return new NodeSettings(full, c, peers, reconnectInterval, epmdPort);
        }
    }

    static int defaultEpmdPort() {
        String env = System.getenv("ERL_EPMD_PORT");
        try {
            return env == null ? 4369 : Integer.parseInt(env.trim());
        } catch (NumberFormatException e) {
            return 4369;
        }
    }

    /** The host part {@code erl -sname} (short) or {@code erl -name} (long) would use. */
    static String localHost(boolean longNames) {
        try {
            InetAddress local = InetAddress.getLocalHost();
            if (longNames) return local.getCanonicalHostName();
            String h = local.getHostName();
            int dot = h.indexOf('.');
            return dot > 0 ? h.substring(0, dot) : h;
        } catch (IOException e) {
            return longNames ? "127.0.0.1" : "localhost";
        }
    }

    /**
     * As {@code auth.erl}: the cookie is the file's content up to the first line end, trailing blanks removed; an
     * absent file is created with 20 random capital letters, readable by its owner only.
     */
    static String readCookie(Path file) {
        try {
            if (!Files.exists(file)) {
                SecureRandom r = new SecureRandom();
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < 20; i++) sb.append((char) ('A' + r.nextInt(26)));
                Files.writeString(file, sb.toString(), StandardCharsets.ISO_8859_1);
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system
                }
                return sb.toString();
            }
            String content = Files.readString(file, StandardCharsets.ISO_8859_1);
            int nl = content.indexOf('\n');
            String line = nl >= 0 ? content.substring(0, nl) : content;
            return line.stripTrailing();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the Erlang cookie file " + file + ": " + e.getMessage(), e);
        }
    }
}
