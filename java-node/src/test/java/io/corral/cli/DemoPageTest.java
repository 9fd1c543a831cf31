package io.corral.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.Corral;
import io.corral.wire.WireClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code corral demo}'s page at {@code /}, opened in real headless Chromium (Debian's {@code chromium}, driven by
 * playwright-core from the npm registry): every route opens, echoes (or ticks), and closes cleanly with 1000.
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
    void everyRouteOfThePageEchoesAndClosesCleanlyInHeadlessChromium() throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/chromium")),
                "Debian's chromium is installed by the set-up step (bin/env.sh)");
        Files.createDirectories(WORK);
        for (String f : new String[] {"package.json", "demo-page.mjs"}) {
            Files.copy(Path.of("src/test/browser", f), WORK.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(WORK.resolve("node_modules/playwright-core"))) {
            run(300, "npm", "install", "--no-audit", "--no-fund", "--loglevel=error");
        }
        Path shot = WORK.resolve("demo-page.png");
        String out = run(180, "node", "demo-page.mjs", "http://127.0.0.1:" + demo.port() + "/", shot.toString());
        String json = out.lines().filter(l -> l.startsWith("[")).reduce((a, b) -> b).orElse("");
        Matcher m = Pattern.compile("\\{\"route\":\"([^\"]+)\",\"received\":\\[(.*?)\\],\"status\":\"([^\"]*)\"\\}")
                .matcher(json);
        List<String> seen = new java.util.ArrayList<>();
        while (m.find()) {
            String route = m.group(1), received = m.group(2), status = m.group(3);
            seen.add(route);
            assertEquals("closed: code 1000, clean", status, route + " closes cleanly with the code the page sent");
            if (route.contains("clock")) {
                assertTrue(received.contains("text:"), route + " pushed a tick: " + received);
            } else {
                assertTrue(received.contains("text: hi " + route), route + " echoed the text: " + received);
                if (!route.startsWith("/chat")) assertTrue(received.contains("binary"), route + " echoed the binary: " + received);
            }
        }
        assertEquals(List.of("/echo", "/clock", "/chat/lobby", "/erl/echo", "/erl/clock", "/erl1/echo"), seen,
                "the browser went through every route: " + out);
        assertTrue(Files.size(shot) > 0, "a screenshot is in target/");
    }

    private static String run(int seconds, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(WORK.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), String.join(" ", cmd) + " finished");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed: " + out);
        return out.trim();
    }
}
