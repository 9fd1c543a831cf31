package io.corral.erlang;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** As {@code erl} does: when no epmd answers, the node starts one and registers with it. */
class EpmdTest {

    private static boolean answers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void aNodeStartsEpmdWhenNoneRunsOnItsPort() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        assertFalse(answers(port), "nothing listens on the chosen epmd port yet");
        try (ErlangNode node = ErlangNode.start(NodeSettings.builder("epmdtest@localhost").cookie("c").epmdPort(port).build())) {
            assertTrue(answers(port), "epmd was started on port " + port);
            Process names = new ProcessBuilder("epmd", "-port", Integer.toString(port), "-names")
                    .redirectErrorStream(true).start();
            String out = new String(names.getInputStream().readAllBytes());
            names.waitFor(10, TimeUnit.SECONDS);
            assertTrue(out.contains("name epmdtest "), "the node registered with it: " + out);
        } finally {
            new ProcessBuilder("epmd", "-port", Integer.toString(port), "-kill").start().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
