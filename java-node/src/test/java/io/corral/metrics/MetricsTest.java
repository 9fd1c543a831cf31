package io.corral.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.Corral;
import io.corral.config.Settings;
import io.corral.wire.WireClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Prometheus endpoint, scraped over HTTP after real WebSocket traffic, reports what happened on the wire. */
class MetricsTest {
    static final String ROUTES = """
            [{'_', [
                {"/echo", 'io.corral.demo.EchoHandler', []},
                {"/crash", 'io.corral.metrics.CrashHandler', []}
            ]}].
            """;
    static Corral corral;

    @BeforeAll
    static void start() throws Exception {
        corral = Corral.start(Settings.builder().port(0).metricsPort(0).routesText("metrics routes", ROUTES).build());
    }

    @AfterAll
    static void stop() {
        corral.close();
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + corral.metricsPort() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Sample name with its labels sorted as Prometheus writes them -> value. */
    static Map<String, Double> scrape() throws Exception {
        HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode(), "the endpoint answers");
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"),
                "Prometheus' text format: " + r.headers().map());
        Map<String, Double> out = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("#") || line.isBlank()) continue;
            int sp = line.lastIndexOf(' ');
            out.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
        }
        return out;
    }

    /** The value of the first sample of {@code name} whose labels include every {@code label="value"} given. */
    static double sample(Map<String, Double> samples, String name, String... labels) {
        for (var e : samples.entrySet()) {
            String k = e.getKey();
            if (!k.startsWith(name + "{")) continue;
            boolean all = true;
            for (String l : labels) all &= k.contains(l);
            if (all) return e.getValue();
        }
        return Double.NaN;
    }

    static Map<String, Double> awaitSample(String name, double want, String... labels) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Map<String, Double> s;
        do {
            s = scrape();
            if (sample(s, name, labels) == want) return s;
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return s;
    }

    @Test
    void framesBytesUpgradesCloseCodesCrashesAndOpenConnectionsAreCounted() throws Exception {
        try (WireClient a = WireClient.connect("127.0.0.1", corral.port(), "/echo")) {
            assertEquals(101, a.handshake().status());
            for (int i = 0; i < 3; i++) {
                a.sendText("hello");
                assertEquals("hello", a.readFrame().text());
            }
            a.sendClose(1000, "");
            assertEquals(1000, a.readUntilClose().closeCode(), "the server answers the close");
        }
        try (WireClient b = WireClient.connect("127.0.0.1", corral.port(), "/crash")) {
            b.sendText("boom");
            assertEquals(1011, b.readUntilClose().closeCode(), "a crashing handler closes with 1011");
        }
        try (WireClient refused = WireClient.connect("127.0.0.1", corral.port(), "/nowhere")) {
            assertEquals(404, refused.handshake().status());
        }
        try (WireClient open = WireClient.connect("127.0.0.1", corral.port(), "/echo")) {
            assertEquals(101, open.handshake().status());
            Map<String, Double> s = awaitSample("corral_close_codes_total", 1.0, "direction=\"sent\"", "code=\"1011\"");
            String echo = "route=\"/echo\"";
            assertEquals(1.0, sample(s, "corral_connections_open", echo, "kind=\"java\""),
                    "one /echo connection is open while scraping");
            assertEquals(4.0, sample(s, "corral_frames_in_total", echo), "3 texts and the client's close came in");
            assertEquals(3 * 5 + 2, sample(s, "corral_bytes_in_total", echo), "payload bytes: 3 x 'hello' and a 2-byte close");
            assertEquals(4.0, sample(s, "corral_frames_out_total", echo), "3 echoes and the close reply went out");
            assertEquals(3 * 5 + 2, sample(s, "corral_bytes_out_total", echo), "payload bytes out");
            assertEquals(3.0, sample(s, "corral_upgrades_total", "status=\"101\""), "three upgrades");
            assertEquals(1.0, sample(s, "corral_upgrades_total", "status=\"404\""), "one 404");
            assertEquals(1.0, sample(s, "corral_close_codes_total", "direction=\"sent\"", "code=\"1000\""),
                    "the close reply to the client's 1000");
            assertEquals(1.0, sample(s, "corral_close_codes_total", "direction=\"received\"", "code=\"1000\""),
                    "the client's 1000");
            assertEquals(1.0, sample(s, "corral_handler_crashes_total", "route=\"/crash\""), "one crash on /crash");
            assertEquals(0.0, sample(s, "corral_handler_crashes_total", echo), "none on /echo");
            double calls = sample(s, "corral_handler_callbacks_seconds_count", echo);
            assertTrue(calls >= 3, "at least the three websocket_handle calls were timed: " + calls);
            assertTrue(sample(s, "corral_handler_callbacks_seconds_sum", echo) > 0, "and took some time");
        }
    }

    /**
     * {@code corral serve --jmx} in a child JVM, read back as an operator's JMX console does: through the JVM's
     * management agent (started over the Attach API, the way jconsole connects to a local process) and a real
     * {@code JMXConnector}, after WebSocket traffic on the wire.
     */
    @Test
    void withJmxTheCountersAreReadBackThroughAJmxConnectionToTheServingJvm() throws Exception {
        java.nio.file.Path routes = java.nio.file.Files.createTempFile("corral-jmx", ".conf");
        java.nio.file.Files.writeString(routes, "[{'_', [{\"/echo\", 'io.corral.demo.EchoHandler', []}]}].\n");
        Process p = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "io.corral.cli.Main",
                "serve", "--port=0", "--jmx", "--routes", routes.toString()).redirectErrorStream(true).start();
        try {
            java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
            java.util.List<String> seen = new java.util.ArrayList<>();
            int port = -1;
            Pattern listening = Pattern.compile("listening on ws://[^:]+:(\\d+)");
            for (String l; port < 0 && (l = r.readLine()) != null; ) {
                seen.add(l);
                Matcher m = listening.matcher(l);
                if (m.find()) port = Integer.parseInt(m.group(1));
            }
            assertTrue(port > 0, "corral serve --jmx listens: " + seen);
            Thread.ofVirtual().start(() -> r.lines().forEach(l -> {})); // keep its output flowing
            try (WireClient c = WireClient.connect("127.0.0.1", port, "/echo")) {
                assertEquals(101, c.handshake().status());
                for (int i = 0; i < 5; i++) {
                    c.sendText("jmx");
                    assertEquals("jmx", c.readFrame().text());
                }
                var vm = com.sun.tools.attach.VirtualMachine.attach(Long.toString(p.pid()));
                String url;
                try {
                    url = vm.startLocalManagementAgent();
                } finally {
                    vm.detach();
                }
                try (javax.management.remote.JMXConnector jmx = javax.management.remote.JMXConnectorFactory.connect(
                        new javax.management.remote.JMXServiceURL(url))) {
                    javax.management.MBeanServerConnection mbs = jmx.getMBeanServerConnection();
                    java.util.Set<javax.management.ObjectName> names = mbs.queryNames(new javax.management.ObjectName("metrics:*"), null);
                    javax.management.ObjectName framesIn = names.stream()
                            .filter(n -> n.toString().contains("corralFramesIn") && n.toString().contains("echo"))
                            .findFirst().orElseThrow(() -> new AssertionError("no corral.frames.in MBean among " + names));
                    assertEquals(5L, ((Number) mbs.getAttribute(framesIn, "Count")).longValue(),
                            "the five texts received, read over JMX from " + framesIn);
                    javax.management.ObjectName open = names.stream()
                            .filter(n -> n.toString().contains("corralConnectionsOpen") && n.toString().contains("echo"))
                            .findFirst().orElseThrow(() -> new AssertionError("no corral.connections.open MBean among " + names));
                    assertEquals(1.0, ((Number) mbs.getAttribute(open, "Value")).doubleValue(),
                            "our connection is open while it is read: " + open);
                }
            }
        } finally {
            p.destroy();
            if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
            java.nio.file.Files.deleteIfExists(routes);
        }
    }

    @Test
    void theEndpointListensOnLoopbackAndServesOnlyMetrics() throws Exception {
        assertEquals(404, get("/").statusCode(), "nothing but /metrics is served");
        java.net.InetAddress other = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                .filter(a -> !a.isLoopbackAddress() && a instanceof java.net.Inet4Address).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(other != null, "no non-loopback IPv4 address to try from here");
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(other, corral.metricsPort()), 2000);
            throw new AssertionError("the metrics port answered on " + other + ": it must listen on 127.0.0.1 only");
        } catch (IOException expected) {
            // refused: bound to loopback only, as the default says
        }
    }
}
