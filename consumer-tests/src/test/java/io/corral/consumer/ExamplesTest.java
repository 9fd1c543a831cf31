package io.corral.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.browser.BrowserPage;
import io.corral.wire.WireClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Corral as a library and the examples/ folder, as a new user meets them: {@code mvn install} of a fresh copy of
 * the tree with no Corral environment variable, into a private local repository (filled from this build's, so
 * nothing is downloaded and the user's ~/.m2 is not touched); then the examples built against it with
 * {@code mvn -o package}; then each example run and spoken to on real sockets, its browser page opened in headless
 * Chromium and every route on it spoken to there.
 */
class ExamplesTest {
    static final Path ROOT = Path.of(System.getProperty("corral.root", "..")).toAbsolutePath().normalize();
    static final Path WORK = Path.of("target/consumer").toAbsolutePath();
    static final Path CLONE = WORK.resolve("clone"), REPO = WORK.resolve("m2"), SETTINGS = WORK.resolve("settings.xml");
    static final Path EXAMPLES = CLONE.resolve("examples");
    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void installCorralThenBuildTheExamplesOffline() throws Exception {
        copyTrackedFiles();
        String source = System.getProperty("corral.localRepository", System.getProperty("user.home") + "/.m2/repository");
        Files.writeString(SETTINGS, """
                <settings>
                  <mirrors>
                    <mirror><id>this-build</id><mirrorOf>*</mirrorOf><url>%s</url></mirror>
                  </mirrors>
                </settings>
                """.formatted(Path.of(source).toUri()));
        mvn(CLONE, 900, "install", "-DskipTests");
        mvn(EXAMPLES, 600, "-o", "package");
    }

    /** What `git clone` gives: the tracked files, as they are in the working tree. */
    private static void copyTrackedFiles() throws Exception {
        Process git = new ProcessBuilder("git", "ls-files", "-z").directory(ROOT.toFile()).start();
        byte[] out = git.getInputStream().readAllBytes();
        assertEquals(0, git.waitFor(), "git ls-files in " + ROOT);
        if (Files.exists(CLONE)) {
            try (var walk = Files.walk(CLONE)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        for (String f : new String(out, StandardCharsets.UTF_8).split("\0")) {
            if (f.isEmpty() || !Files.isRegularFile(ROOT.resolve(f))) continue;
            Path to = CLONE.resolve(f);
            Files.createDirectories(to.getParent());
            Files.copy(ROOT.resolve(f), to, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    private static void mvn(Path dir, int seconds, String... goals) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("mvn", "-B", "-q", "-ntp", "-s", SETTINGS.toString(),
                "-Dmaven.repo.local=" + REPO));
        cmd.addAll(Arrays.asList(goals));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        // A new user's shell: no Corral variable (the build asks erl itself).
        pb.environment().keySet().removeIf(k -> k.startsWith("CORRAL_"));
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), String.join(" ", cmd) + " finished");
        assertEquals(0, p.exitValue(), "in " + dir + ": " + String.join(" ", cmd) + "\n" + log);
    }

    @AfterEach
    void stopServers() throws InterruptedException {
        for (Process p : started) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
        }
    }

    // ---------------------------------------------------------------- the library

    @Test
    void theInstalledEngineGivesAConsumerAWholeRunTimeClassPath() throws Exception {
        List<String> cp = List.of(Files.readString(EXAMPLES.resolve("java-echo/target/classpath.txt")).trim().split(":"));
        for (String jar : List.of("corral-java-node-0.1.0-SNAPSHOT.jar", "jinterface-", "netty-codec-http-",
                "netty-transport-native-epoll-", "slf4j-api-", "slf4j-simple-")) {
            assertTrue(cp.stream().anyMatch(e -> Path.of(e).getFileName().toString().startsWith(jar)),
                    jar + " is on the consumer's run-time class path: " + cp);
        }
        assertTrue(cp.stream().allMatch(e -> e.startsWith(REPO.toString())),
                "every entry is an artifact of the local repository, none a system path: " + cp);
        String pom = Files.readString(REPO.resolve("io/corral/corral-java-node/0.1.0-SNAPSHOT/corral-java-node-0.1.0-SNAPSHOT.pom"));
        assertFalse(pom.contains("<scope>system</scope>") || pom.contains("${"), "the installed POM is resolved: " + pom);
        assertTrue(pom.contains("<optional>true</optional>"), "slf4j-simple is the launcher's, optional for consumers");
    }

    /**
     * An application embedding Corral from the artifact alone, with an Erlang route: run on the consumer's Maven
     * class path from a directory outside any checkout and without corral.home, so erlang-bridge must come out of
     * the corral-java-node jar.
     */
    @Test
    void anEmbedderWithAnErlangRouteNeedsNoCheckoutNorCorralHome() throws Exception {
        Path dir = Files.createTempDirectory("corral-embedder-");
        try {
            Path ebin = Files.createDirectories(dir.resolve("ebin"));
            Path resources = Path.of("src/test/resources/embedder").toAbsolutePath();
            Process erlc = new ProcessBuilder("erlc", "-o", ebin.toString(), resources.resolve("embedded_echo.erl").toString())
                    .redirectErrorStream(true).start();
            String out = new String(erlc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, erlc.waitFor(), "erlc: " + out);
            String cp = Files.readString(EXAMPLES.resolve("java-echo/target/classpath.txt")).trim();
            assertTrue(cp.contains(REPO.toString()) && !cp.contains("java-node/target"),
                    "the class path is the installed artifacts only: " + cp);
            int port = start(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-cp", cp,
                    resources.resolve("ErlangEmbedder.java").toString(), ebin.toString()), dir,
                    Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/"), Map.of());
            try (WireClient w = ws(port, "/erl/echo")) {
                w.sendText("embedded");
                String echo = w.readFrame().text();
                assertTrue(echo.startsWith("embedded from corral_handlers_"),
                        "the module ran on the local Erlang node Corral started with the jar's erlang-bridge: " + echo);
                w.sendClose(1000, "");
                assertEquals(1000, w.readUntilClose().closeCode(), "closes cleanly");
            }
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    // ---------------------------------------------------------------- the examples

    private int startJava(String example, String mainClass) throws Exception {
        Path dir = EXAMPLES.resolve(example);
        String cp = dir.resolve("target/classes") + ":" + Files.readString(dir.resolve("target/classpath.txt")).trim();
        return start(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-cp", cp, mainClass, "0"), dir,
                Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/"));
    }

    /** The launcher of this build, as ./corral runs it, in the example's folder. */
    private int startServe(String example, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java(), "--enable-native-access=ALL-UNNAMED",
                "-Dio.netty.leakDetection.level=disabled", "-Dcorral.home=" + ROOT, "-cp",
                System.getProperty("java.class.path"), "io.corral.cli.Main", "serve", "--port=0"));
        cmd.addAll(Arrays.asList(args));
        return start(cmd, EXAMPLES.resolve(example), Pattern.compile("listening on ws://127\\.0\\.0\\.1:(\\d+)"));
    }

    private int start(List<String> cmd, Path dir, Pattern ready) throws Exception {
        return start(cmd, dir, ready, null);
    }

    /** {@code env} non-null: the process gets a new user's shell, without any CORRAL_ variable. */
    private int start(List<String> cmd, Path dir, Pattern ready, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        if (env != null) {
            pb.environment().keySet().removeIf(k -> k.startsWith("CORRAL_"));
            pb.environment().putAll(env);
        }
        Process p = pb.start();
        started.add(p);
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        for (String l; (l = r.readLine()) != null; ) {
            seen.add(l);
            Matcher m = ready.matcher(l);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        while (r.readLine() != null) { /* keep the pipe flowing */ }
                    } catch (IOException ignored) {
                        // the process ended
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError(String.join(" ", cmd) + " ended before listening: " + seen);
    }

    private static String erlc(String example) throws Exception {
        Path dir = EXAMPLES.resolve(example), ebin = Files.createDirectories(dir.resolve("ebin"));
        List<String> cmd = new ArrayList<>(List.of("erlc", "-o", ebin.toString()));
        try (var s = Files.list(dir)) {
            s.filter(f -> f.toString().endsWith(".erl")).forEach(f -> cmd.add(f.toString()));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "erlc " + example + ": " + out);
        return ebin.toString();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static WireClient ws(int port, String path) throws IOException {
        WireClient w = WireClient.connect("127.0.0.1", port, path);
        assertEquals(101, w.handshake().status(), path + " upgrades");
        w.setReadTimeout(Duration.ofSeconds(30));
        return w;
    }

    private static void assertEchoes(int port, String path) throws IOException {
        try (WireClient w = ws(port, path)) {
            w.sendText("hello " + path);
            assertEquals("hello " + path, w.readFrame().text(), path + " echoes text");
            w.sendBinary(new byte[] {1, 2, 3});
            assertEquals(3, w.readFrame().payload().length, path + " echoes binary");
            w.sendClose(1000, "");
            assertEquals(1000, w.readUntilClose().closeCode(), path + " closes cleanly");
        }
    }

    /** Two members of one room: one text reaches both, with what {@code expect} makes of it. */
    private static void assertChat(int port, String path, String text, String expect) throws Exception {
        try (WireClient a = ws(port, path); WireClient b = ws(port, path)) {
            // Both have joined once each has answered a round trip of its own: their websocket_init ran first.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String got = null;
            while (System.nanoTime() < deadline) {
                b.sendText("ping-b");
                String first = b.readFrame().text();
                if (first.endsWith("ping-b")) break; // b is a member (it heard itself)
            }
            a.sendText(text);
            // a may first hear b's pings: read until the text arrives.
            for (String l = a.readFrame().text(); !l.endsWith(text); l = a.readFrame().text()) { /* skip */ }
            for (String l = b.readFrame().text(); ; l = b.readFrame().text()) {
                if (l.endsWith(text)) {
                    got = l;
                    break;
                }
            }
            assertTrue(got.matches(expect), "the other member got " + got);
        }
    }

    /**
     * The example's page is served at / and loads Corral's one browser client from /corral/client.js (no copy of it
     * in the example); opened in headless Chromium, each of {@code routes} answers and closes cleanly with 1000.
     */
    private static void assertPage(int port, String title, String... routes) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), "the example's page is served at /");
        assertTrue(r.body().contains("<title>" + title + "</title>"), "its own page: " + r.body().lines().limit(5).toList());
        assertTrue(r.body().contains("<script src=\"/corral/client.js\"></script>") && !r.body().contains("new WebSocket"),
                "the page loads Corral's client instead of carrying its own: " + r.body());
        List<BrowserPage.Route> seen = BrowserPage.drive(ROOT.resolve("java-node/src/test/browser"), WORK.resolve("browser"),
                "http://127.0.0.1:" + port + "/", title.replaceAll("[^A-Za-z0-9]+", "-") + ".png");
        BrowserPage.assertEveryRouteAnswersAndClosesCleanly(seen, List.of(routes));
    }

    @Test
    void javaEchoEmbedsCorralWithAHandlerObject() throws Exception {
        int port = startJava("java-echo", "example.echo.EchoServer");
        assertPage(port, "Corral example: Java echo", "/echo");
        assertEchoes(port, "/echo");
    }

    @Test
    void javaChatRoomsAreGroupsOfConnections() throws Exception {
        int port = startJava("java-chat", "example.chat.ChatServer");
        assertPage(port, "Corral example: Java chat", "/chat/lobby", "/chat/other");
        assertChat(port, "/chat/lobby", "hi all", "#\\d+ hi all");
    }

    @Test
    void anErlangChatModuleMeetsInAPgGroup() throws Exception {
        int port = startServe("erlang-chat", "--routes", "routes.conf", "--pa", erlc("erlang-chat"), "--page", "/=index.html");
        assertPage(port, "Corral example: Erlang chat through pg", "/chat");
        assertChat(port, "/chat", "hi from erlang", "hi from erlang");
    }

    @Test
    void aCowboyOneModuleRunsUnmodified() throws Exception {
        int port = startServe("cowboy1", "--routes", "routes.conf", "--pa", erlc("cowboy1"), "--page=/=index.html");
        assertPage(port, "Corral example: a Cowboy 1.x module", "/echo1");
        assertEchoes(port, "/echo1");
    }

    @Test
    void aMixedRouteTableServesAJavaClassFromAnotherProjectAndBothCowboyGenerations() throws Exception {
        int port = startServe("mixed", "--routes", "routes.conf",
                "--classpath", EXAMPLES.resolve("java-echo/target/classes").toString(),
                "--pa", erlc("erlang-chat"), "--pa", erlc("cowboy1"), "--page", "/=index.html");
        assertPage(port, "Corral example: a mixed route table", "/java/echo", "/erl/chat", "/erl1/echo");
        assertEchoes(port, "/java/echo");
        assertEchoes(port, "/erl1/echo");
        assertChat(port, "/erl/chat", "mixed hello", "mixed hello");
    }
}
