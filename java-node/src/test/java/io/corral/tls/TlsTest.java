package io.corral.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.corral.Corral;
import io.corral.config.Settings;
import io.corral.config.TlsSettings;
import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import io.netty.handler.ssl.OpenSsl;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code wss://} on the wire: a JDK TLS client (and a raw socket for what no modern client will send) against
 * Corral's listener, once with each TLS engine (OpenSSL via netty-tcnative, and the JDK's).
 */
class TlsTest {
    static final String ROUTES = """
            [{'_', [
                {"/echo", 'io.corral.demo.EchoHandler', []},
                {"/scheme", 'io.corral.tls.SchemeHandler', []}
            ]}].
            """;
    static final TlsSettings.Provider[] ENGINES = {TlsSettings.Provider.OPENSSL, TlsSettings.Provider.JDK};

    static TestCertificates certs;
    static final List<Corral> started = new ArrayList<>();

    @BeforeAll
    static void makeCertificates() {
        certs = TestCertificates.create();
    }

    @AfterAll
    static void stopAll() {
        started.forEach(Corral::close);
    }

    static void assumeEngine(TlsSettings.Provider p) {
        if (p == TlsSettings.Provider.OPENSSL) {
            assumeTrue(OpenSsl.isAvailable(), "netty-tcnative does not load here: " + OpenSsl.unavailabilityCause());
        }
    }

    static Corral start(TlsSettings tls) throws Corral.StartException {
        Corral c = Corral.start(Settings.builder().port(0).routesText("tls routes", ROUTES).tls(tls).build());
        started.add(c);
        return c;
    }

    static TlsSettings.Builder serverTls(TlsSettings.Provider p) {
        return TlsSettings.builder(certs.server.certFile(), certs.server.keyFile()).provider(p);
    }

    /** A TLS socket to the server, handshaken with {@code protocols} and the ALPN list {@code alpn} (null: none). */
    static SSLSocket tlsSocket(SSLContext ctx, int port, String[] protocols, String... alpn) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        SSLParameters p = s.getSSLParameters();
        p.setProtocols(protocols);
        p.setEndpointIdentificationAlgorithm("HTTPS"); // the server certificate must be for 127.0.0.1
        if (alpn.length > 0) p.setApplicationProtocols(alpn);
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    static final String[] TLS13 = {"TLSv1.3"}, TLS12 = {"TLSv1.2"};

    @ParameterizedTest
    @EnumSource(value = TlsSettings.Provider.class, names = {"OPENSSL", "JDK"})
    void wssEchoesFramesOverTls13AndTls12(TlsSettings.Provider engine) throws Exception {
        assumeEngine(engine);
        Corral corral = start(serverTls(engine).build());
        for (String[] version : List.of(TLS13, TLS12)) {
            SSLSocket s = tlsSocket(certs.clientContext(null), corral.port(), version);
            assertEquals(version[0], s.getSession().getProtocol(), "the server accepts " + version[0]);
            try (WireClient c = WireClient.connect(s, "localhost:" + corral.port(), "/echo")) {
                assertEquals(101, c.handshake().status(), "the upgrade works over " + version[0]);
                c.sendText("over tls");
                Frame f = c.readFrame();
                assertEquals("over tls", f.text(), "a text frame comes back through the TLS layer");
                byte[] big = new byte[100_000];
                ThreadLocalRandom.current().nextBytes(big);
                c.sendBinary(big);
                assertArrayEquals(big, c.readFrame().payload(), "a frame larger than a TLS record (16 KiB) comes back whole");
            }
        }
    }

    /**
     * The listener allows TCP half-closure; over TLS the client's half-close comes as close_notify and its FIN
     * (SSLSocket.shutdownOutput). The echo and the close reply still come back where the TLS engine lets the server
     * write after the client's close_notify (the JDK's over 1.3: RFC 8446 section 6.1 allows it; OpenSSL's engine
     * closes both directions on a close_notify, and 1.2 is a duplex close), and in every case the server closes the
     * socket rather than leaving it half-open.
     */
    @ParameterizedTest
    @EnumSource(value = TlsSettings.Provider.class, names = {"OPENSSL", "JDK"})
    void aHalfCloseAfterTextAndCloseIsAnsweredAndTheSocketClosed(TlsSettings.Provider engine) throws Exception {
        assumeEngine(engine);
        Corral corral = start(serverTls(engine).build());
        for (String[] version : List.of(TLS13, TLS12)) {
            SSLSocket s = tlsSocket(certs.clientContext(null), corral.port(), version);
            try (WireClient c = WireClient.connect(s, "localhost:" + corral.port(), "/echo")) {
                assertEquals(101, c.handshake().status(), "the upgrade works over " + version[0]);
                c.sendFrames(WireClient.encode(true, 0, Frame.TEXT, "x".getBytes(), true),
                        WireClient.encode(true, 0, Frame.CLOSE, WireClient.closePayload(1000, ""), true));
                s.shutdownOutput();
                if (version == TLS13 && engine == TlsSettings.Provider.JDK) {
                    assertEquals("x", c.readFrame().text(), "the echo is written after the client's half-close over TLS 1.3");
                    Frame close = c.readFrame();
                    assertEquals(1000, close.closeCode(), "then the close reply (RFC 6455 section 5.5.1), got " + close);
                }
                c.setReadTimeout(java.time.Duration.ofSeconds(10));
                boolean closed = false;
                try {
                    while (c.readFrame() != null) { /* what 1.2 lets through before the server's close */ }
                } catch (java.net.SocketTimeoutException e) {
                    closed = false;
                } catch (IOException e) {
                    closed = true;
                }
                assertTrue(closed, "the server closes the half-closed " + version[0] + " connection");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsSettings.Provider.class, names = {"OPENSSL", "JDK"})
    void handlersSeeTheHttpsScheme(TlsSettings.Provider engine) throws Exception {
        assumeEngine(engine);
        Corral corral = start(serverTls(engine).build());
        try (WireClient c = WireClient.connect(tlsSocket(certs.clientContext(null), corral.port(), TLS13),
                "localhost:" + corral.port(), "/scheme")) {
            c.sendText("?");
            assertEquals("https", c.readFrame().text(), "Cowboy's Req says <<\"https\">> for a TLS listener");
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsSettings.Provider.class, names = {"OPENSSL", "JDK"})
    void alpnSelectsHttp11AndAClientOfferingOnlyH2StillConnects(TlsSettings.Provider engine) throws Exception {
        assumeEngine(engine);
        Corral corral = start(serverTls(engine).build());
        try (SSLSocket s = tlsSocket(certs.clientContext(null), corral.port(), TLS13, "h2", "http/1.1")) {
            assertEquals("http/1.1", s.getApplicationProtocol(),
                    "the server offers http/1.1 only, so that is what ALPN selects even when h2 is preferred");
        }
        try (SSLSocket s = tlsSocket(certs.clientContext(null), corral.port(), TLS13, "h2")) {
            assertEquals("", s.getApplicationProtocol(), "no common protocol: the server selects none (NO_ADVERTISE)");
            try (WireClient c = WireClient.connect(s, "localhost:" + corral.port(), "/echo")) {
                assertEquals(101, c.handshake().status(), "and the connection is still served, as HTTP/1.1");
            }
        }
    }

    /**
     * No JDK client can send a TLS 1.1 ClientHello any more (java.security disables it), so one is written by hand:
     * legacy_version 0x0302, no supported_versions extension (RFC 8446 section 4.1.2), two TLS 1.1 cipher suites.
     */
    static byte[] tls11ClientHello() {
        byte[] random = new byte[32];
        ThreadLocalRandom.current().nextBytes(random);
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(3);
        body.write(2); // TLS 1.1
        body.writeBytes(random);
        body.write(0); // no session id
        body.writeBytes(new byte[] {0, 4, (byte) 0xc0, 0x13, 0x00, 0x2f}); // ECDHE-RSA-AES128-SHA, AES128-SHA
        body.writeBytes(new byte[] {1, 0}); // null compression
        byte[] b = body.toByteArray();
        java.io.ByteArrayOutputStream rec = new java.io.ByteArrayOutputStream();
        int hsLen = b.length + 4;
        rec.writeBytes(new byte[] {0x16, 3, 1, (byte) (hsLen >> 8), (byte) hsLen});
        rec.writeBytes(new byte[] {1, 0, (byte) (b.length >> 8), (byte) b.length});
        rec.writeBytes(b);
        return rec.toByteArray();
    }

    @ParameterizedTest
    @EnumSource(value = TlsSettings.Provider.class, names = {"OPENSSL", "JDK"})
    void aTls11ClientIsRefusedWithAProtocolVersionAlert(TlsSettings.Provider engine) throws Exception {
        assumeEngine(engine);
        Corral corral = start(serverTls(engine).build());
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", corral.port()), 5000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(tls11ClientHello());
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            int type = in.readUnsignedByte();
            in.readUnsignedShort(); // record version
            int len = in.readUnsignedShort();
            byte[] alert = new byte[len];
            in.readFully(alert);
            assertEquals(0x15, type, "the answer to a TLS 1.1 hello is an alert record, not a ServerHello");
            assertEquals(2, alert[0], "a fatal alert");
            assertEquals(70, alert[1], "protocol_version (RFC 8446 section 6.2): TLS 1.1 is not served");
            assertEquals(-1, in.read(), "and the server closes the connection");
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsSettings.Provider.class, names = {"OPENSSL", "JDK"})
    void aRequiredClientCertificateLetsInOnlyClientsOfTheCa(TlsSettings.Provider engine) throws Exception {
        assumeEngine(engine);
        Corral corral = start(serverTls(engine).caFile(certs.ca.certFile()).build());
        try (WireClient c = WireClient.connect(tlsSocket(certs.clientContext(certs.client), corral.port(), TLS13),
                "localhost:" + corral.port(), "/echo")) {
            assertEquals(101, c.handshake().status(), "a client certificate from the CA is let in");
        }
        for (TestCertificates.Issued who : new TestCertificates.Issued[] {null, certs.strangerClient}) {
            String what = who == null ? "a client without a certificate" : "a client whose certificate is from another CA";
            // Under TLS 1.3 the client's handshake may finish before the server has checked its certificate: the
            // refusal then arrives as an alert on the first read.
            IOException e = assertThrows(IOException.class, () -> {
                try (WireClient c = WireClient.connect(tlsSocket(certs.clientContext(who), corral.port(), TLS13),
                        "localhost:" + corral.port(), "/echo")) {
                    throw new AssertionError(what + " got an HTTP answer: " + c.handshake().status());
                }
            }, what + " is refused during the TLS handshake");
            assertTrue(e instanceof javax.net.ssl.SSLException || e instanceof java.net.SocketException
                            || e instanceof java.io.EOFException,
                    what + " fails in TLS, not in HTTP: " + e);
        }
    }

    @Test
    void anOptionalClientCertificateStillLetsInAClientWithout() throws Exception {
        Corral corral = start(serverTls(TlsSettings.Provider.AUTO).caFile(certs.ca.certFile())
                .clientAuth(TlsSettings.ClientAuth.OPTIONAL).build());
        try (WireClient c = WireClient.connect(tlsSocket(certs.clientContext(null), corral.port(), TLS13),
                "localhost:" + corral.port(), "/echo")) {
            assertEquals(101, c.handshake().status(), "OPTIONAL asks for a certificate but does not require one");
        }
    }

    @Test
    void autoPicksOpenSslWhenNettyTcnativeLoads() throws Exception {
        assumeTrue(OpenSsl.isAvailable(), "netty-tcnative does not load here: " + OpenSsl.unavailabilityCause());
        TlsSettings s = serverTls(TlsSettings.Provider.AUTO).build();
        assertEquals(io.netty.handler.ssl.SslProvider.OPENSSL, io.corral.transport.Tls.build(s).provider(),
                "the BoringSSL engine is preferred when it loads");
    }

    @ParameterizedTest
    @EnumSource(value = TlsSettings.Provider.class, names = {"OPENSSL", "JDK"})
    void anEncryptedKeyServesWithItsPassword(TlsSettings.Provider engine) throws Exception {
        assumeEngine(engine);
        assertTrue(Files.readString(certs.encryptedServerKeyFile).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
                "the key file is encrypted PKCS#8");
        Corral corral = start(TlsSettings.builder(certs.server.certFile(), certs.encryptedServerKeyFile)
                .keyPassword(TestCertificates.KEY_PASSWORD).provider(engine).build());
        try (WireClient c = WireClient.connect(tlsSocket(certs.clientContext(null), corral.port(), TLS13),
                "localhost:" + corral.port(), "/echo")) {
            assertEquals(101, c.handshake().status(), "the upgrade works with the decrypted key");
            c.sendText("encrypted key");
            assertEquals("encrypted key", c.readFrame().text(), "frames come back over TLS");
        }
    }

    /**
     * The launcher decrypts the key with what it ships (Netty and the JDK): run as {@code ./corral serve} runs, on
     * target/classpath.txt, which has no BouncyCastle (the tests' own class path has it, and Netty would use it).
     */
    @Test
    void theLauncherServesAnEncryptedKeyGivenItsPasswordFileWithoutBouncyCastle() throws Exception {
        String cp = Path.of("target/classes").toAbsolutePath() + ":" + Files.readString(Path.of("target/classpath.txt")).trim();
        assertTrue(!cp.contains("bcprov") && !cp.contains("bcpkix"), "the launcher's class path has no BouncyCastle: " + cp);
        Path routes = Files.writeString(certs.dir.resolve("routes.conf"),
                "[{'_', [{\"/echo\", 'io.corral.demo.EchoHandler', []}]}].\n");
        Path password = Files.writeString(certs.dir.resolve("key-password.txt"), TestCertificates.KEY_PASSWORD + "\n");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", cp, "io.corral.cli.Main", "serve", "--port=0",
                "--routes", routes.toString(), "--tls-cert", certs.server.certFile().toString(),
                "--tls-key", certs.encryptedServerKeyFile.toString(), "--tls-key-password-file", password.toString())
                .redirectErrorStream(true).start();
        try {
            java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
            List<String> seen = new ArrayList<>();
            int port = -1;
            java.util.regex.Pattern listening = java.util.regex.Pattern.compile("listening on wss://[^:]+:(\\d+)");
            for (String l; port < 0 && (l = r.readLine()) != null; ) {
                seen.add(l);
                java.util.regex.Matcher m = listening.matcher(l);
                if (m.find()) port = Integer.parseInt(m.group(1));
            }
            assertTrue(port > 0, "corral serve listens on wss://: " + seen);
            Thread.ofVirtual().start(() -> r.lines().forEach(l -> {})); // keep its output flowing
            try (WireClient c = WireClient.connect(tlsSocket(certs.clientContext(null), port, TLS13),
                    "localhost:" + port, "/echo")) {
                assertEquals(101, c.handshake().status(), "the upgrade works with the key the launcher decrypted");
                c.sendText("launcher");
                assertEquals("launcher", c.readFrame().text());
            }
        } finally {
            p.destroy();
            if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
        }
    }

    // ---------------------------------------------------------------- start-up errors name the file

    @Test
    void anEncryptedKeyWithoutItsPasswordOrWithAWrongOneStopsTheStartNamingTheKeyFile() {
        Path key = certs.encryptedServerKeyFile;
        String m = startError(TlsSettings.builder(certs.server.certFile(), key).build());
        assertTrue(m.contains(key.toString()) && m.contains("encrypted") && m.contains("password"),
                "names the key file and says it needs a password: " + m);
        m = startError(TlsSettings.builder(certs.server.certFile(), key).keyPassword("not the password").build());
        assertTrue(m.contains(key.toString()), "a wrong password names the key file: " + m);
    }

    static String startError(TlsSettings tls) {
        Corral.StartException e = assertThrows(Corral.StartException.class, () -> start(tls),
                "a bad TLS setting must stop the start");
        return e.getMessage();
    }

    @Test
    void aMissingCertificateFileStopsTheStartNamingIt() {
        Path missing = certs.dir.resolve("no-such.pem");
        String m = startError(TlsSettings.builder(missing, certs.server.keyFile()).build());
        assertTrue(m.contains(missing.toString()) && m.contains("certificate"), "names the certificate file: " + m);
    }

    @Test
    void aCertificateFileWithoutACertificateStopsTheStartNamingIt() throws IOException {
        Path garbage = Files.writeString(certs.dir.resolve("garbage.pem"), "not a certificate\n");
        String m = startError(TlsSettings.builder(garbage, certs.server.keyFile()).build());
        assertTrue(m.contains(garbage.toString()), "names the certificate file: " + m);
    }

    @Test
    void aMissingOrGarbageKeyFileStopsTheStartNamingIt() throws IOException {
        Path missing = certs.dir.resolve("no-such.key");
        String m = startError(TlsSettings.builder(certs.server.certFile(), missing).build());
        assertTrue(m.contains(missing.toString()) && m.contains("key"), "names the key file: " + m);
        Path garbage = Files.writeString(certs.dir.resolve("garbage.key"),
                "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
        m = startError(TlsSettings.builder(certs.server.certFile(), garbage).build());
        assertTrue(m.contains(garbage.toString()), "names the key file: " + m);
    }

    @Test
    void aKeyThatIsNotTheCertificatesStopsTheStartNamingBoth() {
        String m = startError(TlsSettings.builder(certs.server.certFile(), certs.unrelatedKeyFile).build());
        assertTrue(m.contains(certs.unrelatedKeyFile.toString()) && m.contains(certs.server.certFile().toString())
                && m.contains("does not match"), "names the key and the certificate: " + m);
    }

    @Test
    void anEncryptedKeyThatIsNotTheCertificatesStopsTheStartNamingBothAsAnUnencryptedOneDoes() throws IOException {
        Path key = certs.encryptedUnrelatedKeyFile;
        assertTrue(Files.readString(key).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
                "the key file is encrypted PKCS#8, as the one that serves");
        String m = startError(TlsSettings.builder(certs.server.certFile(), key)
                .keyPassword(TestCertificates.KEY_PASSWORD).build());
        assertTrue(m.contains(key.toString()) && m.contains(certs.server.certFile().toString())
                && m.contains("does not match"), "decrypted with its password, it is checked: names both: " + m);
    }

    @Test
    void anUnencryptedKeyGivenAPasswordItDoesNotNeedIsStillCheckedAgainstTheCertificate() {
        String m = startError(TlsSettings.builder(certs.server.certFile(), certs.unrelatedKeyFile)
                .keyPassword(TestCertificates.KEY_PASSWORD).build());
        assertTrue(m.contains(certs.unrelatedKeyFile.toString()) && m.contains(certs.server.certFile().toString())
                && m.contains("does not match"), "a password does not skip the check: names both: " + m);
    }

    @Test
    void aMissingCaFileStopsTheStartNamingIt() {
        Path missing = certs.dir.resolve("no-such-ca.pem");
        String m = startError(serverTls(TlsSettings.Provider.AUTO).caFile(missing).build());
        assertTrue(m.contains(missing.toString()) && m.contains("CA"), "names the CA file: " + m);
    }
}
