package io.corral.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.Corral;
import io.corral.browser.BrowserPage;
import io.corral.tls.TestCertificates;
import io.corral.wire.WireClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code corral demo}'s page at {@code /}, opened in real headless Chromium (Debian's {@code chromium}, driven by
 * playwright-core from the npm registry; {@link BrowserPage}): every route opens, echoes (or ticks), and closes
 * cleanly with 1000, over {@code ws://} and over {@code wss://}.
 */
class DemoPageTest {
    static final Path WORK = Path.of("target/browser").toAbsolutePath();
    private static Corral demo;

    @BeforeAll
    static void startDemo() throws Exception {
        demo = Corral.start(Main.parse("demo", List.of("--port", "0"), null), java.util.Map.of("/", Main.demoPage()));
    }

    @AfterAll
    static void stopDemo() {
        if (demo != null) demo.close();
    }

    @Test
    void slashIsTheDemoPageAndAnUpgradeToAWebSocketRouteStillUpgrades() throws Exception {
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + demo.port() + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("content-type").orElse(""));
        assertTrue(page.body().contains("\"/erl1/echo\""), "the page lists the demo's routes");
        try (WireClient w = WireClient.connect("127.0.0.1", demo.port(), "/echo")) {
            assertEquals(101, w.handshake().status(), "the page's handler leaves WebSocket routes alone");
        }
        HttpResponse<String> other = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + demo.port() + "/nothing-here")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, other.statusCode(), "a path that is neither a page nor a route is still cowboy_router's 404");
    }

    @Test
    void thePageLoadsCorralsClientScriptWhichCorralServesFromItsJar() throws Exception {
        HttpResponse<String> page = get("http://127.0.0.1:" + demo.port() + "/");
        assertTrue(page.body().contains("<script src=\"/corral/client.js\"></script>"), "the page loads the shared client");
        HttpResponse<String> js = get("http://127.0.0.1:" + demo.port() + "/corral/client.js");
        assertEquals(200, js.statusCode(), "Corral serves its client beside the page");
        assertEquals("text/javascript; charset=utf-8", js.headers().firstValue("content-type").orElse(""));
        assertTrue(js.body().contains("function corralRoutes("), "it is the client script: " + js.body().lines().limit(3).toList());
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static final List<String> DEMO_ROUTES = List.of("/echo", "/clock", "/chat/lobby", "/erl/echo", "/erl/clock", "/erl1/echo");

    @Test
    void everyRouteOfThePageEchoesAndClosesCleanlyInHeadlessChromium() throws Exception {
        List<BrowserPage.Route> seen = BrowserPage.drive(Path.of("src/test/browser"), WORK,
                "http://127.0.0.1:" + demo.port() + "/", "demo-page.png");
        BrowserPage.assertEveryRouteAnswersAndClosesCleanly(seen, DEMO_ROUTES);
    }

    /**
     * The same page over {@code https://}, so every route is {@code wss://}: the demo started with a throw-away
     * certificate (made for this run, never committed) that Chromium is told to accept.
     */
    @Test
    void overTlsEveryRouteOfThePageEchoesAndClosesCleanlyOverWssInHeadlessChromium() throws Exception {
        TestCertificates certs = TestCertificates.create();
        Corral tls = Corral.start(Main.parse("demo", List.of("--port", "0", "--tls-cert", certs.server.certFile().toString(),
                "--tls-key", certs.server.keyFile().toString()), null), java.util.Map.of("/", Main.demoPage()));
        try {
            List<BrowserPage.Route> seen = BrowserPage.drive(Path.of("src/test/browser"), WORK,
                    "https://127.0.0.1:" + tls.port() + "/", "demo-page-tls.png");
            BrowserPage.assertEveryRouteAnswersAndClosesCleanly(seen, DEMO_ROUTES);
        } finally {
            tls.close();
        }
    }
}
