package io.corral.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A page of Corral's browser client ({@code /corral/client.js}: the demo's, each example's) opened in real headless
 * Chromium (Debian's {@code chromium}, driven by playwright-core from the npm registry through
 * {@code src/test/browser/demo-page.mjs}): every route section is opened, spoken to as its kind says, and closed.
 * Shared by java-node's DemoPageTest and consumer-tests' ExamplesTest (through java-node's test jar).
 */
public final class BrowserPage {

    /** What the page showed for one route: its first frames received and its status line. */
    public record Route(String route, String kind, String received, String status) {}

    private BrowserPage() {}

    /**
     * Opens {@code url} ({@code http://} or {@code https://}, then {@code wss://} with the throw-away certificate
     * accepted) and goes through every route on it. {@code scripts} is java-node's {@code src/test/browser};
     * {@code work} a directory under target/ where playwright-core is installed once and the screenshot is kept.
     */
    public static List<Route> drive(Path scripts, Path work, String url, String screenshotName) throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/chromium")),
                "Debian's chromium is installed by the set-up step (bin/env.sh)");
        Files.createDirectories(work);
        for (String f : new String[] {"package.json", "demo-page.mjs"}) {
            Files.copy(scripts.resolve(f), work.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(work.resolve("node_modules/playwright-core"))) {
            run(work, 300, "npm", "install", "--no-audit", "--no-fund", "--loglevel=error");
        }
        Path shot = work.resolve(screenshotName);
        Files.deleteIfExists(shot);
        String out = run(work, 180, "node", "demo-page.mjs", url, shot.toString());
        String json = out.lines().filter(l -> l.startsWith("[")).reduce((a, b) -> b).orElse("");
        Matcher m = Pattern.compile("\\{\"route\":\"([^\"]+)\",\"kind\":\"([^\"]+)\",\"received\":\\[(.*?)\\],"
                + "\"status\":\"([^\"]*)\"\\}").matcher(json);
        List<Route> seen = new ArrayList<>();
        while (m.find()) seen.add(new Route(m.group(1), m.group(2), m.group(3), m.group(4)));
        assertTrue(Files.size(shot) > 0, "a screenshot is in target/: " + shot);
        assertTrue(!seen.isEmpty(), "the browser found route sections on " + url + ": " + out);
        return seen;
    }

    /**
     * Every route of {@code routes} (in the page's order) was gone through, answered as its kind says (an echo
     * route echoed the text and the binary, a chat route brought the text back to its sender, a push route sent
     * first) and closed cleanly with the 1000 the page sent.
     */
    public static void assertEveryRouteAnswersAndClosesCleanly(List<Route> seen, List<String> routes) {
        assertEquals(routes, seen.stream().map(Route::route).toList(), "the browser went through every route: " + seen);
        for (Route r : seen) {
            assertEquals("closed: code 1000, clean", r.status(), r.route() + " closes cleanly with the code the page sent");
            switch (r.kind()) {
                case "push" -> assertTrue(r.received().contains("text:"), r.route() + " pushed a frame: " + r.received());
                case "chat" -> assertTrue(r.received().contains("hi " + r.route()),
                        r.route() + " brought the text back to its sender: " + r.received());
                default -> {
                    assertTrue(r.received().contains("text: hi " + r.route()), r.route() + " echoed the text: " + r.received());
                    assertTrue(r.received().contains("binary"), r.route() + " echoed the binary: " + r.received());
                }
            }
        }
    }

    private static String run(Path dir, int seconds, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), String.join(" ", cmd) + " finished");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed: " + out);
        return out.trim();
    }
}
