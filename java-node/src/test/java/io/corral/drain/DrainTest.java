package io.corral.drain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Graceful drain of a real {@code corral serve} process: SIGTERM stops accepting, every connection gets close 1001,
 * the handlers' terminate runs (a Java handler and an Erlang 2.x module on the local node Corral started), clients
 * that answer the close are let go, one that does not is cut at the drain timeout, and the process exits 0.
 */
class DrainTest {

    static Path compileDrainModule(Path dir) throws Exception {
        Path ebin = Files.createDirectories(dir.resolve("ebin"));
        Process erlc = new ProcessBuilder("erlc", "-o", ebin.toString(), "src/test/erlang/drain_h.erl").inheritIO().start();
        if (!erlc.waitFor(60, TimeUnit.SECONDS) || erlc.exitValue() != 0) throw new IOException("erlc drain_h failed");
        return ebin;
    }

    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("erlang-bridge/src"))) return p;
        }
        throw new IllegalStateException("repository root not found from " + Path.of("").toAbsolutePath());
    }

    @Test
    void sigtermSendsGoingAwayRunsTerminateForJavaAndErlangHandlersAndExitsZero() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "drain-test")).toAbsolutePath();
        Path dirRun = Files.createTempDirectory(dir, "run-");
        Path ebin = compileDrainModule(dirRun);
        Path javaLog = dirRun.resolve("java-terminate.txt");
        Path erlLog = dirRun.resolve("erl-terminate.txt");
        Path routes = Files.writeString(dirRun.resolve("routes.conf"), """
                [{'_', [
                    {"/java", 'io.corral.drain.TerminateFileHandler', [{file, "%s"}]},
                    {"/erl", drain_h, [{file, "%s"}]}
                ]}].
                """.formatted(javaLog, erlLog));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dcorral.home=" + repoRoot(),
                "-cp", System.getProperty("java.class.path"), "io.corral.cli.Main", "serve", "--port", "0",
                "--routes", routes.toString(), "--pa", ebin.toString(), "--drain-timeout", "3s"));
        Process corral = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        LinkedBlockingQueue<String> output = new LinkedBlockingQueue<>();
        List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(corral.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    all.add(line);
                    output.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        try {
            int port = -1;
            List<String> seen = new ArrayList<>();
            Pattern listening = Pattern.compile("corral: listening on ws://[^:]+:(\\d+)");
            while (port < 0) {
                String line = output.poll(60, TimeUnit.SECONDS);
                if (line == null) throw new AssertionError("corral serve did not say where it listens: " + seen);
                seen.add(line);
                Matcher m = listening.matcher(line);
                if (m.find()) port = Integer.parseInt(m.group(1));
            }
            WireClient java = WireClient.connect("127.0.0.1", port, "/java");
            WireClient erl = WireClient.connect("127.0.0.1", port, "/erl");
            WireClient silent = WireClient.connect("127.0.0.1", port, "/java");
            for (WireClient c : List.of(java, erl, silent)) {
                assertEquals(101, c.handshake().status(), "upgraded before the drain");
                c.sendText("up");
                assertEquals("up", c.readFrame().text(), "served before the drain");
            }

            // SIGTERM. Through the ProcessHandle: Process.destroy() would also close our end of its output pipe.
            corral.toHandle().destroy();

            for (WireClient c : List.of(java, erl)) {
                Frame close = c.readUntilClose();
                assertEquals(1001, close.closeCode(), "the server says going away (RFC 6455 section 7.4.1): " + close);
                c.sendClose(1001, "");
                c.setReadTimeout(Duration.ofSeconds(10));
                assertTrue(c.isClosedByServer(), "the server closes TCP once the client answered the close");
            }
            Frame close = silent.readUntilClose();
            assertEquals(1001, close.closeCode(), "a client that will not answer gets the 1001 too");
            silent.setReadTimeout(Duration.ofSeconds(20));
            assertTrue(silent.isClosedByServer(), "and is cut when the drain timeout (3 s) runs out");

            assertTrue(corral.waitFor(30, TimeUnit.SECONDS), "corral exits after the drain");
            reader.get(10, TimeUnit.SECONDS);
            assertEquals(0, corral.exitValue(), "a drained SIGTERM is a clean exit: " + all);
            assertTrue(all.stream().anyMatch(l -> l.contains("corral: draining")), "it said it drains: " + all);

            List<String> javaReasons = Files.readAllLines(javaLog);
            assertEquals(List.of("Shutdown[]", "Shutdown[]"), javaReasons,
                    "both Java connections' terminate ran with the shutdown reason");
            List<String> erlReasons = Files.readAllLines(erlLog);
            assertEquals(List.of("shutdown"), erlReasons,
                    "the Erlang 2.x module's terminate/3 ran with shutdown, the reason Cowboy 2.x gives a handler "
                            + "that traps exits when its listener stops");
            for (WireClient c : List.of(java, erl, silent)) c.close();
        } finally {
            if (corral.isAlive()) corral.destroyForcibly();
        }
    }

    @Test
    void closingTheJavaHandleDrainsTheSameWay() throws Exception {
        Path dirRun = Files.createTempDirectory(Files.createDirectories(Path.of("target", "drain-test")), "embedded-");
        Path log = dirRun.resolve("terminate.txt").toAbsolutePath();
        io.corral.Corral corral = io.corral.Corral.start(io.corral.config.Settings.builder().port(0)
                .drainTimeout(Duration.ofSeconds(5))
                .routesText("drain routes", "[{'_', [{\"/java\", 'io.corral.drain.TerminateFileHandler', [{file, \"" + log
                        + "\"}]}]}].").build());
        try (WireClient c = WireClient.connect("127.0.0.1", corral.port(), "/java")) {
            c.sendText("up");
            assertEquals("up", c.readFrame().text());
            CompletableFuture<Void> closing = CompletableFuture.runAsync(corral::close);
            Frame close = c.readUntilClose();
            assertEquals(1001, close.closeCode(), "close() sends going away: " + close);
            c.sendClose(1001, "");
            closing.get(10, TimeUnit.SECONDS); // returns once the client answered, well before the 5 s drain timeout
            assertEquals(List.of("Shutdown[]"), Files.readAllLines(log), "terminate ran with the shutdown reason");
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress("127.0.0.1", corral.port()), 2000);
                throw new AssertionError("a drained listener accepts no new connection");
            } catch (IOException expected) {
                // refused: the listening socket is closed
            }
        } finally {
            corral.close();
        }
    }
}
