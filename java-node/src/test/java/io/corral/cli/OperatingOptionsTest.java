package io.corral.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.config.Settings;
import io.corral.config.TlsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operating options of {@code corral serve} parse into {@link Settings}, with the defaults Settings holds. */
class OperatingOptionsTest {
    @TempDir
    Path dir;

    Settings serve(String... more) throws Exception {
        Path routes = Files.writeString(dir.resolve("routes.conf"), "[{'_', []}].");
        List<String> args = new ArrayList<>(List.of("--routes", routes.toString()));
        args.addAll(List.of(more));
        return Main.parse("serve", args);
    }

    @Test
    void withoutTlsOptionsTheListenerIsPlain() throws Exception {
        assertNull(serve().tls(), "plain ws:// is the default");
    }

    @Test
    void tlsCertKeyAndCaBecomeTlsSettingsWithTheirDefaults() throws Exception {
        TlsSettings t = serve("--tls-cert", "/c.pem", "--tls-key", "/k.pem", "--tls-ca", "/ca.pem").tls();
        assertEquals(Path.of("/c.pem"), t.certFile());
        assertEquals(Path.of("/k.pem"), t.keyFile());
        assertEquals(Path.of("/ca.pem"), t.caFile());
        assertEquals(TlsSettings.ClientAuth.REQUIRE, t.clientAuth(), "--tls-ca means client certificates are required");
        assertEquals(TlsSettings.DEFAULT_PROTOCOLS, t.protocols(), "TLS 1.3 and 1.2 by default");
        assertEquals(TlsSettings.Provider.AUTO, t.provider(), "OpenSSL when it loads, else the JDK's");
    }

    @Test
    void anEncryptedKeysPasswordComesFromTheFirstLineOfAFileOrFromTheCommandLine() throws Exception {
        Path f = java.nio.file.Files.createTempFile("corral-key-password", ".txt");
        try {
            java.nio.file.Files.writeString(f, "s3cret pass\nignored\n");
            assertEquals("s3cret pass", serve("--tls-cert", "/c.pem", "--tls-key", "/k.pem",
                    "--tls-key-password-file", f.toString()).tls().keyPassword(), "the file's first line, no line end");
            assertEquals("p", serve("--tls-cert", "/c.pem", "--tls-key", "/k.pem", "--tls-key-password=p").tls()
                    .keyPassword());
            assertNull(serve("--tls-cert", "/c.pem", "--tls-key", "/k.pem").tls().keyPassword(), "none by default");
        } finally {
            java.nio.file.Files.delete(f);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> serve("--tls-cert", "/c.pem",
                "--tls-key", "/k.pem", "--tls-key-password-file", "/no/such/file"));
        assertTrue(e.getMessage().contains("/no/such/file"), "names the unreadable file: " + e.getMessage());
    }

    @Test
    void aCertificateWithoutAKeyIsAUsageError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> serve("--tls-cert", "/c.pem"));
        assertTrue(e.getMessage().contains("--tls-key"), "says what is missing: " + e.getMessage());
    }

    @Test
    void drainTimeoutAndMetricsOptionsParseAndDefaultAsSettingsSays() throws Exception {
        Settings d = serve();
        assertEquals(java.time.Duration.ofSeconds(10), d.drainTimeout(), "10 s drain by default");
        assertEquals(-1, d.metricsPort(), "no metrics endpoint by default");
        assertEquals("127.0.0.1", d.metricsBind(), "loopback when on");
        assertEquals(false, d.jmx(), "no JMX by default");
        assertEquals(java.time.Duration.ofMillis(2500), serve("--drain-timeout", "2.5").drainTimeout(), "seconds");
        assertEquals(java.time.Duration.ofMillis(500), serve("--drain-timeout", "500ms").drainTimeout(), "milliseconds");
        assertEquals(java.time.Duration.ofSeconds(3), serve("--drain-timeout", "3s").drainTimeout(), "seconds, suffixed");
        Settings m = serve("--metrics-port", "9464", "--jmx");
        assertEquals(9464, m.metricsPort());
        assertTrue(m.jmx(), "--jmx is a flag");
        assertThrows(IllegalArgumentException.class, () -> serve("--drain-timeout", "soon"), "not a duration");
    }
}
