package io.corral.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.Corral;
import io.corral.config.Settings;
import io.corral.wire.WireClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a failed start tells the user, and handler classes from outside the project. */
class StartupMessagesTest {

    @TempDir
    Path dir;

    private static final String ERLANG_ROUTE = "[{'_', [{\"/x\", demo_echo, []}]}].";

    @Test
    void aNodeThatIsNotRegisteredIsNamedWithWhatEpmdSaid() {
        Corral.StartException e = assertThrows(Corral.StartException.class, () -> Corral.start(Settings.builder()
                .port(0).routesText("routes", ERLANG_ROUTE).erlangNode("nobody_here@localhost").build()));
        assertTrue(e.getMessage().contains("nobody_here@localhost"), "names the node: " + e.getMessage());
        assertTrue(e.getMessage().contains("epmd on localhost") && e.getMessage().contains("no node named nobody_here"),
                "says what was tried and what it answered: " + e.getMessage());
    }

    @Test
    void anErlangRouteServesTheVeryFirstUpgradeOnceTheStartHasReturned() throws Exception {
        // The start used to return before placement had heard which modules the handler node runs: an upgrade
        // right after it got 503 (a flaky first test of a class on a loaded machine).
        for (int i = 0; i < 2; i++) {
            try (Corral corral = Corral.start(Settings.builder().port(0).routesText("routes", ERLANG_ROUTE)
                    .codePaths(List.of(io.corral.erlang.LocalErlangNode.bridgeHome().resolve("examples-ebin")))
                    .build());
                 WireClient c = WireClient.connect("127.0.0.1", corral.port(), "/x")) {
                assertEquals(101, c.handshake().status(), "served at once, start " + (i + 1));
                c.sendText("first");
                assertEquals("first", c.readFrame().text(), "and echoed");
            }
        }
    }

    @Test
    void aNodeThatDoesNotAnswerIsNamedOnceTheStartHasWaitedTwoHandshakeSetupTimes() throws Exception {
        String name = "stopped_" + ProcessHandle.current().pid() + "@localhost";
        Process erl = new ProcessBuilder("erl", "-sname", name, "-setcookie", "stopped_cookie", "-noshell", "-noinput")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            awaitRegistered(name.substring(0, name.indexOf('@')));
            // A node that is registered and accepts TCP but never completes the handshake: stopped, not gone.
            assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(erl.pid())).start().waitFor());
            long t0 = System.nanoTime();
            Corral.StartException e = assertThrows(Corral.StartException.class, () -> Corral.start(Settings.builder()
                    .port(0).routesText("routes", ERLANG_ROUTE).erlangNode(name).cookie("stopped_cookie").build()));
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
            assertTrue(e.getMessage().contains(name) && e.getMessage().contains("did not answer within "
                    + Corral.NODE_ANSWER_SECONDS + " s"), "names the node and the wait: " + e.getMessage());
            assertTrue(e.getMessage().contains("gave port"), "says what was tried: " + e.getMessage());
            // Generous for a loaded machine; what matters is that it is not the old half-minute of silence.
            assertTrue(seconds < Corral.NODE_ANSWER_SECONDS + 10, "gave up after " + seconds + " s");
        } finally {
            erl.destroyForcibly();
            erl.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void awaitRegistered(String alive) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Process names = new ProcessBuilder("epmd", "-names").redirectErrorStream(true).start();
            String out = new String(names.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            names.waitFor();
            if (out.contains("name " + alive + " at port")) return;
            Thread.sleep(100);
        }
        throw new AssertionError(alive + " never registered in epmd");
    }

    /**
     * The launcher itself, as a user runs it: a route to a module the node cannot load ends the output with one
     * line naming the module, the node, and the routes file and line.
     */
    @Test
    void aMissingModuleIsTheLastLineTheLauncherPrints() throws Exception {
        Path routes = dir.resolve("app.routes");
        Files.writeString(routes, "[{'_', [\n    {\"/ok\", 'io.corral.demo.EchoHandler', []},\n"
                + "    {\"/gone\", no_such_module_here, []}\n]}].\n");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.corral.cli.Main", "serve", "--routes",
                routes.toString(), "--port=0").redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) if (!l.isBlank()) lines.add(l);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher exits");
        assertEquals(1, p.exitValue(), "a failed start exits 1: " + lines);
        String last = lines.getLast();
        assertTrue(last.startsWith("corral: " + routes + ":3: route /gone: module no_such_module_here is not loadable on node corral_handlers_"),
                "the last line names the file and line, the route, the module and the node: " + lines);
    }

    @Test
    void aHandlerClassOutsideTheProjectIsServedFromTheClassPathItIsGiven() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/ext"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Files.writeString(src.resolve("OutsideHandler.java"), """
                package ext;
                import io.corral.api.*;
                public final class OutsideHandler implements WebSocketHandler<Void> {
                    public InitResult<Void> init(Request r, Term o) { return InitResult.upgrade(null); }
                    public Result<Void> websocketHandle(Frame f, Void s) {
                        return Result.reply(s, Frame.text("outside: " + ((Frame.Text) f).text()));
                    }
                }
                """);
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
                "-cp", System.getProperty("java.class.path"), src.resolve("OutsideHandler.java").toString());
        assertEquals(0, rc, "the outside handler compiles");
        String routes = "[{'_', [{\"/out\", 'ext.OutsideHandler', []}]}].";
        Corral.StartException e = assertThrows(Corral.StartException.class,
                () -> Corral.start(Settings.builder().port(0).routesText("routes", routes).build()));
        assertTrue(e.getMessage().contains("ext.OutsideHandler") && e.getMessage().contains("--classpath"),
                "without it, the class is named and the option suggested: " + e.getMessage());
        try (Corral corral = Corral.start(Settings.builder().port(0).routesText("routes", routes)
                .classPath(List.of(classes)).build());
             WireClient w = WireClient.connect("127.0.0.1", corral.port(), "/out")) {
            assertEquals(101, w.handshake().status());
            w.setReadTimeout(Duration.ofSeconds(20));
            w.sendText("hi");
            assertEquals("outside: hi", w.readFrame().text(), "the class from the given directory serves the route");
        }
    }
}
