package io.corral.erlang;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How the hidden node joins the cluster. Immutable; defaults in one place ({@link Builder}).
 *
 * @param nodeName full node name {@code name@host}
 * @param cookie the distribution cookie
 * @param peers nodes connected to at start and reconnected to when they come back
 * @param reconnectInterval how often unreachable peers are retried
 * @param epmdPort epmd's port ({@code ERL_EPMD_PORT}, 4369 by default)
 * @param tickTime distribution's {@code net_ticktime}: a connected node that sends nothing (not even a tick) for
 *     this long is down; peers tick every quarter of theirs, so every node of a cluster must use the same value
 * @param handshakeTimeout the longest a distribution handshake may take, in and out (OTP's {@code net_setuptime})
 * @param distBind the address the distribution listener binds, and the epmd Corral starts listens on
 */
public record NodeSettings(String nodeName, String cookie, List<String> peers, Duration reconnectInterval, int epmdPort,
        Duration tickTime, Duration handshakeTimeout, InetAddress distBind) {

    /** OTP's default {@code net_ticktime} (kernel app: 60 s). */
    public static final Duration DEFAULT_TICK_TIME = Duration.ofSeconds(60);
    /** OTP's default {@code net_setuptime} (kernel app: 7 s). */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(7);

    public NodeSettings {
        Objects.requireNonNull(nodeName);
        Objects.requireNonNull(cookie);
        Objects.requireNonNull(distBind);
        peers = List.copyOf(peers);
        if (tickTime.toMillis() < 1000) throw new IllegalArgumentException("net_ticktime below 1 s: " + tickTime);
        if (handshakeTimeout.toMillis() <= 0) throw new IllegalArgumentException("handshake timeout: " + handshakeTimeout);
    }

    /** Whether the distribution listener takes connections from this machine only. */
    public boolean loopbackOnly() {
        return distBind.isLoopbackAddress();
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
        private Duration tickTime = DEFAULT_TICK_TIME;
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        private InetAddress distBind; // null: loopback (see build)

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

        /** {@code net_ticktime} (default {@link #DEFAULT_TICK_TIME}); whole seconds, as erl takes it. */
        public Builder tickTime(Duration v) {
            tickTime = v;
            return this;
        }

        public Builder handshakeTimeout(Duration v) {
            handshakeTimeout = v;
            return this;
        }

        /**
         * Where the distribution listener binds; the any-address opens it to every interface. Default: private, the
         * loopback address the node's host name resolves to (Debian maps the host name to 127.0.1.1, and peers
         * dial {@code name@host} there), or 127.0.0.1 when it resolves to no loopback address.
         */
        public Builder distBind(InetAddress v) {
            distBind = v;
            return this;
        }

        public NodeSettings build() {
            String full = name.contains("@") ? name : name + "@" + localHost(longNames);
            String c = cookie != null ? cookie : readCookie(cookieFile != null ? cookieFile
                    : Path.of(System.getProperty("user.home"), ".erlang.cookie"));
            InetAddress bind = distBind != null ? distBind : privateAddress(full.substring(full.indexOf('@') + 1));
            return new NodeSettings(full, c, peers, reconnectInterval, epmdPort, tickTime, handshakeTimeout, bind);
        }
    }

    static InetAddress privateAddress(String host) {
        try {
            InetAddress a = InetAddress.getByName(host);
            if (a.isLoopbackAddress()) return a;
        } catch (IOException e) {
            // an unknown host: the node is reachable by nobody anyway
        }
        return InetAddress.getLoopbackAddress();
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
     * As {@code auth.erl} (check_attributes/4): a cookie file that anyone but its owner may read or write is refused,
     * since whoever reads the cookie can run any code on every node of the cluster.
     */
    static void requireOwnerOnly(Path file) {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return; // not a POSIX file system: nothing to check, as erl on such systems
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the Erlang cookie file " + file + ": " + e.getMessage(), e);
        }
        Set<PosixFilePermission> others = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_EXECUTE);
        others.retainAll(perms);
        if (!others.isEmpty()) {
            throw new IllegalArgumentException("the Erlang cookie file " + file + " must be accessible by its owner only"
                    + " (it is " + PosixFilePermissions.toString(perms) + "; erl refuses it too): chmod 400 " + file);
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
            requireOwnerOnly(file);
            String content = Files.readString(file, StandardCharsets.ISO_8859_1);
            int nl = content.indexOf('\n');
            String line = nl >= 0 ? content.substring(0, nl) : content;
            return line.stripTrailing();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the Erlang cookie file " + file + ": " + e.getMessage(), e);
        }
    }
}
