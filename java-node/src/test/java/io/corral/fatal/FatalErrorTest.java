package io.corral.fatal;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.wire.WireClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Fatal errors are fatal: a JVM started the way {@code ./corral} starts it ({@code corral_exec} in bin/env.sh) ends at
 * its first OutOfMemoryError, with the error as its last line and a non-zero status, even when the code that hit it
 * catches it, instead of serving on half alive.
 */
class FatalErrorTest {

    @Test
    void anOutOfMemoryErrorEndsTheLaunchedJvmWithANonZeroStatusAndSaysSoLast() throws Exception {
        Path repo = Path.of("").toAbsolutePath().getParent();
        assertTrue(Files.isRegularFile(repo.resolve("bin/env.sh")), "run from java-node/: " + repo);
        Path routes = Files.createTempFile("corral-hog", ".routes");
        Files.writeString(routes, "[{'_', [{\"/hog\", 'io.corral.fatal.MemoryHogHandler', []}]}].\n");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c",
                "ROOT=\"$1\"; source \"$ROOT/bin/env.sh\" && corral_setup && corral_exec serve --port 0 --routes \"$2\"",
                "corral-test", repo.toString(), routes.toString()).redirectErrorStream(true);
        pb.environment().put("CORRAL_JAVA_OPTS", "-Xmx64m");
        pb.environment().put("CORRAL_CLASSPATH", Path.of("target/test-classes").toAbsolutePath().toString());
        Process p = pb.start();
        List<String> lines = new CopyOnWriteArrayList<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        try {
            int port = -1;
            Pattern listening = Pattern.compile("listening on ws://[^:]+:(\\d+)");
            String line;
            while (port < 0 && (line = out.readLine()) != null) {
                lines.add(line);
                Matcher m = listening.matcher(line);
                if (m.find()) port = Integer.parseInt(m.group(1));
            }
            assertTrue(port > 0, "the server started: " + lines);
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    for (String l; (l = out.readLine()) != null; ) lines.add(l);
                } catch (IOException ignored) {
                    // the process is gone
                }
            });
            try (WireClient c = WireClient.connect("127.0.0.1", port, "/hog")) {
                c.sendText("grow");
                try {
                    WireClient.Frame answer = c.readFrame();
                    assertTrue(answer.opcode() != 1 || !answer.text().equals("still alive"),
                            "the handler that swallowed the OutOfMemoryError did not get to answer");
                } catch (IOException expected) {
                    // the JVM is gone: the socket closed
                }
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the JVM ended: " + lines);
            reader.join(5_000);
            assertNotEquals(0, p.exitValue(), "a non-zero status for a supervisor to act on: " + lines);
            String last = lines.stream().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("");
            assertTrue(last.contains("OutOfMemoryError"), "the last line says why: " + last + " in " + lines);
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(routes);
        }
    }
}
