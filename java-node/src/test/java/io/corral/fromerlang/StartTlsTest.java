package io.corral.fromerlang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.tls.TestCertificates;
import io.corral.wire.WireClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * {@code corral:start_tls/3} with Cowboy's {@code certfile}/{@code keyfile} socket options serves {@code wss://},
 * and {@code corral:stop_listener/1} drains: 1001 to every client, the Erlang handler's terminate with
 * {@code shutdown}, within ranch's {@code shutdown} option.
 */
class StartTlsTest {

    static Path drainModule(Path dir) throws Exception {
        Path ebin = Files.createDirectories(dir.resolve("ebin"));
        Process erlc = new ProcessBuilder("erlc", "-o", ebin.toString(), "src/test/erlang/drain_h.erl").inheritIO().start();
        assertTrue(erlc.waitFor(60, TimeUnit.SECONDS) && erlc.exitValue() == 0, "erlc drain_h");
        return ebin;
    }

    static String str(Path p) {
        return "\"" + p.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static WireClient wss(TestCertificates certs, int port, String path) throws Exception {
        SSLSocket s = (SSLSocket) certs.clientContext(null).getSocketFactory().createSocket("127.0.0.1", port);
        s.startHandshake();
        return WireClient.connect(s, "localhost:" + port, path);
    }

    @Test
    void startTlsServesWssAndStopListenerDrainsWithGoingAwayAndTerminate() throws Exception {
        TestCertificates certs = TestCertificates.create();
        Path ebin = drainModule(certs.dir);
        Path log = certs.dir.resolve("erl-terminate.txt");
        try (ErlNode node = ErlNode.start(List.of(), List.of(ebin))) {
            String started = node.eval("corral:start_tls(tls_l, [{port, 0}, {ip, {127, 0, 0, 1}}, {shutdown, 3000}, "
                    + "{certfile, " + str(certs.server.certFile()) + "}, {keyfile, " + str(certs.server.keyFile()) + "}], "
                    + "#{env => #{dispatch => corral_router:compile([{'_', [{\"/echo\", 'io.corral.demo.EchoHandler', []}, "
                    + "{\"/erl\", drain_h, [{file, " + str(log) + "}]}]}])}}).");
            assertTrue(started.startsWith("{ok,"), "start_tls/3 starts: " + started + "\n" + node.log());
            int port = Integer.parseInt(node.eval("corral:get_port(tls_l)."));
            WireClient java = wss(certs, port, "/echo");
            WireClient erl = wss(certs, port, "/erl");
            for (WireClient c : List.of(java, erl)) {
                assertEquals(101, c.handshake().status(), "upgraded over TLS");
                c.sendText("secure");
                assertEquals("secure", c.readFrame().text(), "served over TLS");
            }
            // The clients do not answer the 1001, so the stop takes the 3 s of {shutdown, 3000}.
            assertEquals("ok", node.eval("corral:stop_listener(tls_l).", Duration.ofSeconds(60)));
            for (WireClient c : List.of(java, erl)) {
                assertEquals(1001, c.readUntilClose().closeCode(), "stop_listener/1 says going away to every client");
                c.close();
            }
            assertEquals(List.of("shutdown"), Files.readAllLines(log),
                    "the Erlang handler's terminate/3 ran with shutdown before the listener was gone");
        }
    }

    @Test
    void aMissingCertificateOrKeyFailsTheStartNamingIt() throws Exception {
        TestCertificates certs = TestCertificates.create();
        try (ErlNode node = ErlNode.start(List.of(), List.of())) {
            String dispatch = "#{env => #{dispatch => corral_router:compile([{'_', [{\"/echo\", 'io.corral.demo.EchoHandler', []}]}])}}";
            String missing = node.eval("corral:start_tls(bad1, [{port, 0}, {certfile, \"/no/such/cert.pem\"}, "
                    + "{keyfile, " + str(certs.server.keyFile()) + "}], " + dispatch + ").");
            assertTrue(missing.startsWith("{error,{tls,") && missing.contains("/no/such/cert.pem"),
                    "the start fails naming the certificate file: " + missing);
            assertEquals("{error,{missing_option,keyfile}}", node.eval("corral:start_tls(bad2, [{port, 0}, {certfile, "
                    + str(certs.server.certFile()) + "}], " + dispatch + ")."), "keyfile is required, as for ssl");
            String encrypted = "{certfile, " + str(certs.server.certFile()) + "}, {keyfile, "
                    + str(certs.encryptedServerKeyFile) + "}";
            String noPassword = node.eval("corral:start_tls(bad3, [{port, 0}, " + encrypted + "], " + dispatch + ").");
            assertTrue(noPassword.startsWith("{error,{tls,") && noPassword.contains(certs.encryptedServerKeyFile.toString())
                    && noPassword.contains("encrypted"), "an encrypted key without ssl's password option: " + noPassword);
            String ok = node.eval("corral:start_tls(enc, [{port, 0}, {ip, {127, 0, 0, 1}}, " + encrypted + ", {password, \""
                    + TestCertificates.KEY_PASSWORD + "\"}], " + dispatch + ").");
            assertTrue(ok.startsWith("{ok,"), "with ssl's password option it starts: " + ok + "\n" + node.log());
            int port = Integer.parseInt(node.eval("corral:get_port(enc)."));
            try (WireClient c = wss(certs, port, "/echo")) {
                assertEquals(101, c.handshake().status(), "served with the decrypted key");
            }
            assertEquals("ok", node.eval("corral:stop_listener(enc).", Duration.ofSeconds(60)));
        }
    }
}
