package io.corral.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo's echo handler used by Node's {@code ws} client, a client browsers' behaviour is modelled on: handshake,
 * a text and a binary echo, a clean close. The {@code ws} package comes from the npm registry (package.json next to
 * the script pins it).
 */
class NodeWsClientTest extends EngineFixture {
    static final Path WORK = Path.of("target/node-client").toAbsolutePath();

    @BeforeAll
    static void installWs() throws Exception {
        Files.createDirectories(WORK);
        for (String f : new String[] {"package.json", "echo-client.mjs"}) {
            Files.copy(Path.of("src/test/node", f), WORK.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(WORK.resolve("node_modules/ws"))) {
            run(120, "npm", "install", "--no-audit", "--no-fund", "--loglevel=error");
        }
    }

    private static String run(int seconds, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(WORK.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), String.join(" ", cmd) + " finished");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed: " + out);
        return out.trim();
    }

    @Test
    void nodesWsClientGetsTextAndBinaryEchoedAndACleanClose() throws Exception {
        String out = run(30, "node", "echo-client.mjs", "ws://127.0.0.1:" + port() + "/echo");
        assertEquals("{\"seen\":[\"text:hello from node\",\"binary:4\"],\"code\":1000,\"extensions\":\"\"}", out,
                "ws saw both echoes and our 1000 echoed back");
    }
}
