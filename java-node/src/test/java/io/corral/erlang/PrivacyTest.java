package io.corral.erlang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Private by default: where the node listens, where its cookie is, and what one stranger on the port can do. */
class PrivacyTest {

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void killEpmd(int port) throws Exception {
        new ProcessBuilder("epmd", "-port", Integer.toString(port), "-kill").start().waitFor(10, TimeUnit.SECONDS);
    }

    /** The node's distribution port, as its epmd tells it. */
    private static int distPort(int epmdPort, String alive) throws Exception {
        Process names = new ProcessBuilder("epmd", "-port", Integer.toString(epmdPort), "-names")
                .redirectErrorStream(true).start();
        String out = new String(names.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        names.waitFor(10, TimeUnit.SECONDS);
        Matcher m = Pattern.compile("name " + Pattern.quote(alive) + " at port (\\d+)").matcher(out);
        assertTrue(m.find(), "epmd knows the node: " + out);
        return Integer.parseInt(m.group(1));
    }

    /** The local addresses (hex, as the kernel writes them) of the TCP sockets listening on {@code port}. */
    private static Set<String> listening(int port) throws IOException {
        String hexPort = String.format(":%04X", port);
        return java.util.stream.Stream.of("/proc/net/tcp", "/proc/net/tcp6")
                .flatMap(f -> {
                    try {
                        return Files.readAllLines(Path.of(f)).stream().skip(1);
                    } catch (IOException e) {
                        return java.util.stream.Stream.empty();
                    }
                })
                .map(String::trim).map(l -> l.split("\\s+"))
                .filter(c -> c[1].endsWith(hexPort) && c[3].equals("0A")) // st 0A: LISTEN
                .map(c -> c[1].substring(0, c[1].indexOf(':')))
                .collect(Collectors.toSet());
    }

    /** 127.0.0.1, ::1, or 127.0.0.1 mapped into IPv6 (a dual-stack JVM socket bound to 127.0.0.1). */
    private static boolean loopback(String hexAddress) {
        return hexAddress.equals("0100007F") || hexAddress.equals("00000000000000000000000001000000")
                || hexAddress.equals("0000000000000000FFFF00000100007F");
    }

    /** 0.0.0.0 or :: (every interface). */
    private static boolean any(String hexAddress) {
        return hexAddress.chars().allMatch(c -> c == '0');
    }

    @Test
    void theDistributionListenerAndTheEpmdItStartsListenOnLoopbackOnlyByDefault() throws Exception {
        int epmd = freePort();
        try (ErlangNode node = ErlangNode.start(NodeSettings.builder("private@localhost").cookie("c").epmdPort(epmd).build())) {
            Set<String> dist = listening(distPort(epmd, "private"));
            assertFalse(dist.isEmpty(), "the distribution port listens");
            assertTrue(dist.stream().allMatch(PrivacyTest::loopback), "distribution on loopback only: " + dist);
            Set<String> e = listening(epmd);
            assertFalse(e.isEmpty(), "the epmd the node started listens");
            assertTrue(e.stream().allMatch(PrivacyTest::loopback), "epmd on loopback only: " + e);
        } finally {
            killEpmd(epmd);
        }
    }

    @Test
    void distBindOnTheAnyAddressOpensTheDistributionListenerToEveryInterface() throws Exception {
        int epmd = freePort();
        try (ErlangNode node = ErlangNode.start(NodeSettings.builder("public@localhost").cookie("c").epmdPort(epmd)
                .distBind(InetAddress.getByName("0.0.0.0")).build())) {
            Set<String> dist = listening(distPort(epmd, "public"));
            assertTrue(dist.stream().anyMatch(PrivacyTest::any), "told otherwise, it listens on every interface: " + dist);
        } finally {
            killEpmd(epmd);
        }
    }

    @Test
    void aCookieFileOthersCanReadIsRefusedWithAClearMessageAndAnOwnerOnlyOneIsRead() throws Exception {
        Path dir = Files.createTempDirectory("corral-cookie");
        Path file = dir.resolve("cookie");
        Files.writeString(file, "SECRETCOOKIE\n");
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> NodeSettings.builder("n@localhost").cookieFile(file).build());
            assertTrue(e.getMessage().contains("owner only") && e.getMessage().contains(file.toString()),
                    "the message names the file and the rule: " + e.getMessage());
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw----r--"));
            assertThrows(IllegalArgumentException.class, () -> NodeSettings.builder("n@localhost").cookieFile(file).build(),
                    "world-readable alone is refused too");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
            assertEquals("SECRETCOOKIE", NodeSettings.builder("n@localhost").cookieFile(file).build().cookie());
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void theLocalErlangNodesCookieIsNotOnItsCommandLineButInAnOwnerOnlyFileOfAPrivateHome() throws Exception {
        String cookie = LocalErlangNode.randomCookie();
        try (ErlangNode java = ErlangNode.start(NodeSettings.builder(ErlangPeer.uniqueName("owner")).cookie(cookie).build());
             LocalErlangNode local = LocalErlangNode.start(LocalErlangNode.bridgeHome(), List.of(), java.name(), cookie)) {
            local.awaitRegistered(Duration.ofSeconds(30));
            assertTrue(java.connect(local.nodeName()).get(30, TimeUnit.SECONDS), "the node got the cookie all the same");
            String cmdline = new String(Files.readAllBytes(Path.of("/proc/" + local.pid() + "/cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ');
            assertTrue(cmdline.contains(local.nodeName().substring(0, local.nodeName().indexOf('@'))),
                    "this is the node's process: " + cmdline);
            assertFalse(cmdline.contains(cookie), "the cookie is not on the command line: " + cmdline);
            String environ = new String(Files.readAllBytes(Path.of("/proc/" + local.pid() + "/environ")),
                    StandardCharsets.UTF_8);
            String home = Arrays.stream(environ.split("\0")).filter(v -> v.startsWith("HOME="))
                    .map(v -> v.substring(5)).findFirst().orElseThrow();
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(home))),
                    "its HOME is the owner's only");
            Path file = Path.of(home, ".erlang.cookie");
            assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                    "the cookie file is readable by its owner only");
            assertEquals(cookie, Files.readString(file));
        }
    }

    @Test
    void anIdleSocketOnTheDistributionPortHoldsUpNoNodeAndEveryRefusalIsReportedWithItsAddress() throws Exception {
        int epmd = NodeSettings.defaultEpmdPort();
        List<String> refused = new CopyOnWriteArrayList<>();
        String name = ErlangPeer.uniqueName("guarded");
        try (ErlangNode java = ErlangNode.start(NodeSettings.builder(name).cookie(ErlangPeer.COOKIE)
                .handshakeTimeout(Duration.ofSeconds(2)).build());
             Socket idle = new Socket("127.0.0.1", distPort(epmd, java.settings().alive()))) {
            java.addNodeListener(new NodeListener() {
                @Override
                public void inboundRefused(String address, String node, String reason) {
                    refused.add(address + " " + node + " " + reason);
                }
            });
            // A node connects while the idle socket is open (it used to wait behind it for ever).
            try (ErlangPeer erl = ErlangPeer.start("neighbour")) {
                erl.awaitReady(java);
                awaitTrue(() -> java.connectedNodes().contains(erl.name), "connected despite the idle socket");
            }
            String idleAddress = idle.getLocalSocketAddress().toString();
            idle.setSoTimeout(20_000);
            InputStream in = idle.getInputStream();
            assertEquals(-1, in.read(), "the idle socket is closed once the handshake timeout has passed");
            awaitTrue(() -> refused.stream().anyMatch(r -> r.startsWith(idleAddress) && r.contains("handshake")),
                    "the idle socket's refusal names its address and the timeout: " + refused);
            // Two wrong-cookie attempts from one node name: two reports, each with where it came from.
            for (int i = 0; i < 2; i++) {
                Process p = new ProcessBuilder("erl", "-noshell", "-sname", ErlangPeer.uniqueName("intruder"),
                        "-setcookie", "wrong_cookie", "-eval", "net_adm:ping('" + java.name() + "'), halt().")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            }
            awaitTrue(() -> refused.stream().filter(r -> r.contains(" intruder") && r.contains("cookie")
                    && r.startsWith("/127.0.0.1:")).count() == 2, "both wrong-cookie attempts reported: " + refused);
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting: " + what);
            Thread.sleep(50);
        }
    }
}
