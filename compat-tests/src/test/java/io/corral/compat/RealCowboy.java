package io.corral.compat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Cowboy, built from the unmodified sources the project keeps beside the repository ({@code ../shared/cowboy},
 * or {@code CORRAL_COWBOY_SRC}) into {@code target/cowboy}, serving compat-tests' own handler modules under the
 * same prefixes as Corral: Cowboy 2.17 ({@code /erl25}, {@code /erl20}) and Cowboy 1.1.2 ({@code /erl1}). One
 * {@code erl} process per version for the whole test JVM; it halts when its stdin closes, so it never outlives the
 * JVM, however the JVM ends. Without the sources, every caller is skipped with an assumption naming the path.
 */
final class RealCowboy {

    enum Version {
        V2_17("2.17.0", """
                {ok, _} = cowboy:start_clear(compat, [{port, 0}, {ip, {127,0,0,1}}], #{env => #{dispatch => D}}),
                """, "/erl20", "compat_ws_tuple", "compat_log", "/erl25", "compat_ws_cmd", "compat_log"),
        V1_1("1.1.2", """
                {ok, _} = cowboy:start_http(compat, 10, [{port, 0}, {ip, {127,0,0,1}}], [{env, [{dispatch, D}]}]),
                """, "/erl1", "compat_ws_v1", "compat_log_v1");

        final String dir;
        final String listen;
        /** Triples of prefix, script module, log module: the dispatch of compat-tests/routes/cowboy-dispatch.erl.snippet. */
        final String[] routes;

        Version(String dir, String listen, String... routes) {
            this.dir = dir;
            this.listen = listen;
            this.routes = routes;
        }
    }

    private static final Map<Version, RealCowboy> STARTED = new EnumMap<>(Version.class);
    private static boolean built;

    final Version version;
    final int port;
    final Path ebinRoot;
    private final Process process;

    private RealCowboy(Version version, int port, Path ebinRoot, Process process) {
        this.version = version;
        this.port = port;
        this.ebinRoot = ebinRoot;
        this.process = process;
    }

    String url() {
        return "ws://127.0.0.1:" + port;
    }

    /** The repository: Maven runs the tests in compat-tests/. */
    static Path repository() {
        return Path.of("").toAbsolutePath().getParent();
    }

    /** Where the Cowboy sources are expected: CORRAL_COWBOY_SRC, else REPO/../shared/cowboy. */
    static Path sourceDir() {
        String env = System.getenv("CORRAL_COWBOY_SRC");
        return env != null && !env.isBlank() ? Path.of(env).toAbsolutePath() : repository().getParent().resolve("shared/cowboy");
    }

    static boolean sourcesPresent() {
        return Files.isRegularFile(sourceDir().resolve("build.sh"));
    }

    /** Skips the caller (a JUnit assumption) when the sources are not there. */
    static void assumeSources() {
        Path src = sourceDir();
        Assumptions.assumeTrue(sourcesPresent(),
                () -> "real Cowboy is not available: " + src + "/build.sh is missing (the unmodified Cowboy 2.17.0 "
                        + "and 1.1.2 sources are looked for at $REPO/../shared/cowboy, or set CORRAL_COWBOY_SRC)");
    }

    /** The build output for a version: {@code target/cowboy/VERSION/{cowboy,cowlib,ranch}/ebin}. */
    static synchronized List<Path> ebins(Version v) throws IOException, InterruptedException {
        assumeSources();
        Path out = Path.of("target/cowboy").toAbsolutePath();
        if (!built) {
            Files.createDirectories(out);
            Path log = out.resolve("build.log");
            // build.sh compiles with erlc into OUT only and skips what is already built (its .built markers).
            Process b = new ProcessBuilder("bash", sourceDir().resolve("build.sh").toString(), out.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!b.waitFor(10, TimeUnit.MINUTES) || b.exitValue() != 0) {
                b.destroyForcibly();
                throw new IllegalStateException("building real Cowboy failed, see " + log + ":\n" + Files.readString(log));
            }
            built = true;
        }
        List<Path> ebins = new ArrayList<>();
        for (String app : List.of("ranch", "cowlib", "cowboy")) ebins.add(out.resolve(v.dir).resolve(app).resolve("ebin"));
        return ebins;
    }

    /** The node for {@code v}, started on first use. */
    static synchronized RealCowboy started(Version v) throws IOException, InterruptedException {
        RealCowboy c = STARTED.get(v);
        if (c != null && c.process.isAlive()) return c;
        List<Path> ebins = ebins(v);
        Path compat = Path.of("target/ebin").toAbsolutePath();
        if (!Files.exists(compat.resolve("compat_ws_cmd.beam"))) {
            throw new IllegalStateException(compat + " has no compat modules: the compile phase runs erlc");
        }
        List<String> cmd = new ArrayList<>(List.of("erl", "-noshell"));
        for (Path p : ebins) cmd.addAll(List.of("-pa", p.toString()));
        cmd.addAll(List.of("-pa", compat.toString(), "-eval", boot(v)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        Pattern portLine = Pattern.compile("^corral-compat-port (\\d+)$");
        int port = -1;
        for (String line; port < 0 && (line = out.readLine()) != null; ) {
            Matcher m = portLine.matcher(line);
            if (m.matches()) port = Integer.parseInt(m.group(1));
            else seen.append(line).append('\n');
        }
        if (port < 0) {
            p.destroyForcibly();
            throw new IllegalStateException("real Cowboy " + v.dir + " did not start: " + cmd + "\n" + seen);
        }
        Thread drain = new Thread(() -> {   // keeps the pipe from filling with Cowboy's crash reports
            try {
                while (out.readLine() != null) { /* the node's log is not asserted on */ }
            } catch (IOException ignored) {
                // the node is gone
            }
        }, "cowboy-" + v.dir + "-log");
        drain.setDaemon(true);
        drain.start();
        RealCowboy started = new RealCowboy(v, port, ebins.get(0).getParent().getParent(), p);
        STARTED.put(v, started);
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
        return started;
    }

    /** Starts Cowboy with the compat dispatch, prints the port, and halts when stdin reaches end of file. */
    private static String boot(Version v) {
        StringBuilder routes = new StringBuilder();
        for (int i = 0; i < v.routes.length; i += 3) {
            if (!routes.isEmpty()) routes.append(", ");
            String prefix = v.routes[i], script = v.routes[i + 1], log = v.routes[i + 2];
            routes.append("{\"").append(prefix).append("/script\", ").append(script).append(", []}, ")
                    .append("{\"").append(prefix).append("/script/:name\", ").append(script).append(", []}, ")
                    .append("{\"").append(prefix).append("/log\", ").append(log).append(", []}");
        }
        return "{ok, _} = application:ensure_all_started(cowboy), "
                + "D = cowboy_router:compile([{'_', [" + routes + "]}]), "
                + v.listen
                + "io:format(\"corral-compat-port ~b~n\", [ranch:get_port(compat)]), "
                + "spawn(fun W() -> case io:get_line(\"\") of eof -> halt(0); _ -> W() end end).";
    }
}
