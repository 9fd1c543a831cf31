package io.corral.bridge;

import io.corral.Corral;
import io.corral.api.Term;
import io.corral.config.Settings;
import io.corral.wire.WireClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * One Corral with Erlang handler routes, served from the local Erlang node Corral starts itself (the embedded
 * default), with the test handler modules of src/test/erlang compiled onto its code path. The handlers record their
 * callbacks in {@code corral_test_recorder} on that node, which the tests read with {@code gen_server:call}.
 */
public abstract class ErlangFixture {
    protected static Corral corral;

    static final String ROUTES = """
            [{'_', [
                {"/erl/script", ws_script, []},
                {"/erl/limited", {ws_script, #{send_buffer => 262144, send_timeout => 1000, max_in_flight => 131072}}, []},
                {"/erl/tuple", ws_tuple, []},
                {"/erl1/script", ws_script_v1, []},
                {"/erl/demo_echo", demo_echo, []},
                {"/erl08/old", old_ws_handler, []},
                {"/java/echo", 'io.corral.demo.EchoHandler', []},
                {"/java/caller", 'io.corral.bridge.CallingHandler', []}
            ]}].
            """;

    private static Path testModules;

    /** The handler modules of src/test/erlang, compiled (once per test JVM) into the directory returned. */
    public static synchronized Path testModules() throws IOException, InterruptedException {
        if (testModules != null) return testModules;
        Path out = Path.of("target/test-erlang").toAbsolutePath();
        Files.createDirectories(out);
        List<String> cmd = new ArrayList<>(List.of("erlc", "-o", out.toString()));
        try (var files = Files.list(Path.of("src/test/erlang"))) {
            files.filter(f -> f.toString().endsWith(".erl")).forEach(f -> cmd.add(f.toString()));
        }
        Process erlc = new ProcessBuilder(cmd).inheritIO().start();
        if (!erlc.waitFor(60, TimeUnit.SECONDS) || erlc.exitValue() != 0) throw new IOException("erlc failed: " + cmd);
        testModules = out;
        return out;
    }

    @BeforeAll
    static void startCorral() throws Exception {
        if (corral != null) return;
        Path out = testModules();
        corral = Corral.start(Settings.builder().port(0).routesText("erlang test routes", ROUTES)
                .codePaths(List.of(out, io.corral.erlang.LocalErlangNode.bridgeHome().resolve("examples-ebin"))).build());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> corral.close()));
    }

    @AfterAll
    static void keepRunning() {
        // One Corral and one Erlang node for the whole test JVM.
    }

    protected static int port() {
        return corral.port();
    }

    protected static String newId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    protected static WireClient open(String path, String id, String query, String... headers) throws IOException {
        return WireClient.connect("127.0.0.1", port(), path + "?id=" + id + (query.isEmpty() ? "" : "&" + query), headers);
    }

    /** The pid of the open connection on {@code path} (tests here hold one connection per path at a time). */
    protected static Term connectionPid(String path) {
        return Term.pid(corral.server().context().connections().stream()
                .filter(w -> w.stats().path.equals(path)).findFirst().orElseThrow().pid());
    }

    /** A call to the recorder on the handler node. */
    protected static Term recorder(Term request) throws Exception {
        return corral.node().call("corral_test_recorder", corral.handlerNode(), request, Duration.ofSeconds(10))
                .get(15, TimeUnit.SECONDS);
    }

    /** Every event recorded for connection {@code id}, in order, as Erlang prints them. */
    protected static List<String> events(String id) throws Exception {
        List<String> out = new ArrayList<>();
        for (Term t : recorder(Term.tuple(Term.atom("events"), Term.binary(id))).listValue()) out.add(t.toString());
        return out;
    }

    /** Waits until an event of {@code id} starting with {@code prefix} was recorded, and returns it. */
    protected static String awaitEvent(String id, String prefix) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (String e : events(id)) if (e.startsWith(prefix)) return e;
            Thread.sleep(50);
        }
        throw new AssertionError("no event starting with " + prefix + " for " + id + ": " + events(id));
    }
}
