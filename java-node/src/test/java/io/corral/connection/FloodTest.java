package io.corral.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.bridge.ErlangFixture;
import io.corral.erlang.LocalErlangNode;
import io.corral.testsupport.HeapAfterGc;
import io.corral.testsupport.LaunchedServer;
import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The floods of a hostile-client review, all at once for one 60 s window while other clients are served: one-byte
 * fragments without end, clients that never read an Erlang route that pushes, a slow Erlang handler fed as fast as
 * TCP takes it, and clients writing to the routes of a handler node that is stopped (SIGSTOP, not past
 * net_ticktime). The servers are {@code corral serve} JVMs of their own, started as the launcher starts them, so that
 * their memory is theirs and not the flood clients' (which run in this JVM): one serves floods 1 to 3 from the local
 * erl node it starts, the other serves flood 4 from a node this test stops. Once the issue measured 358 MB held for
 * 12.6 MB of fragments, 7 GB of RSS in 60 s for slow readers and 6 GB queued in 23 s for a stopped node.
 *
 * <p>Measured over a 60 s window once the floods are under way, each flat within 10 % (plus a small absolute slack):
 * both server JVMs' RSS apart from their heap and their heap after GC, the local erl node's RSS, and its BEAM memory
 * after a collection of every process. RSS is sampled every second and each process's median over the window's first
 * third is compared with its median over the last; the heap and BEAM figures are taken at both ends. The JVMs' RSS
 * is flat because the launcher fixes the heap's size (bin/env.sh, corral_heap_flags): with
 * the JVM's default sizing G1 grew the heap under the fragment flood's garbage, a hundred MB at a time, in the
 * window in four runs of six (fixed: 747 -> 767, 761 -> 781, 747 -> 759, 755 -> 756 MiB); and because the test
 * has that heap touched at start ({@link #PRE_TOUCH}).
 */
class FloodTest {

    static final Duration WINDOW = Duration.ofSeconds(60);

    /**
     * Absolute slack on top of 10 %. Heap after GC: what collection timing leaves on a live heap of about 8 MiB (a
     * G1 region is 1 to 4 MiB). RSS: one more step of the allocators that grow in steps (a BEAM allocator carrier
     * is up to 5 MiB, +MBlmbcs; a glibc malloc arena's heap or a Netty chunk 4 MiB); it matters on erl's 40 MiB,
     * where 10 % is 4 MiB and its RSS moves by 2 or 3 MiB from second to second, not on the JVMs' hundreds.
     */
    static final long HEAP_SLACK = 4L << 20;
    static final long RSS_SLACK = 8L << 20;
    /**
     * A server JVM's RSS apart from its heap rises in steps under these floods and does not come down all the way:
     * the median of a 10 s third moved up by 36 MiB between two thirds of a 30 s window once, with the heap after GC
     * flat, and over 180 s in another run it rose 19 MiB in all, in steps that came further and further apart
     * (2026-12-03). A leak of the kind this test was written for grows by GiBs in a minute (the class comment); one
     * of 2 MiB a second grows more than this and the 10 % together in the 40 s between the window's first and last
     * third.
     */
    static final long JVM_RSS_SLACK = 48L << 20;

    /**
     * The servers' heap is resident from their start, so that their RSS measures what is not heap (Netty's buffers,
     * the allocators of native code, threads, code), and the heap is measured by its own figure, after GC. Without
     * it the RSS of a fixed heap also grows as the collector hands out regions it had not used yet, whose pages the
     * kernel maps on first touch, up to the heap's size: growth that is bounded, and not what this test looks for.
     */
    static final String JAVA_OPTS = "CORRAL_JAVA_OPTS", PRE_TOUCH = "-XX:+AlwaysPreTouch";

    static final String ROUTES = """
            [{'_', [
                {"/erl/script", ws_script, []},
                {"/erl/limited", {ws_script, #{send_buffer => 262144, send_timeout => 1000, max_in_flight => 131072}}, []},
                {"/erl/demo_echo", demo_echo, []},
                {"/java/echo", 'io.corral.demo.EchoHandler', []}
            ]}].
            """;

    @TempDir
    Path dir;

    private static void assertFlat(long before, long after, long slack, String what) {
        assertTrue(after <= before + before / 10 + slack, what + " flat within 10 % (and " + (slack >> 20)
                + " MiB) over " + WINDOW.toSeconds() + " s of floods: " + (before >> 10) + " -> " + (after >> 10)
                + " KiB");
    }

    /** A flood client: runs {@code body} again and again (each run a fresh connection) until the window ends. */
    private interface Flood {
        void run(AtomicBoolean stop) throws IOException;
    }

    private static void flood(List<Thread> all, AtomicBoolean stop, AtomicLong rounds, Flood f) {
        all.add(Thread.ofVirtual().start(() -> {
            while (!stop.get()) {
                try {
                    f.run(stop);
                } catch (IOException e) {
                    // the server closed this client (1009, send timeout): the next round connects again
                }
                rounds.incrementAndGet();
            }
        }));
    }

    /** A command to ws_script on a connection of its own: its one text answer. */
    private static String ask(int port, String command) throws IOException {
        try (WireClient c = WireClient.connect("127.0.0.1", port, "/erl/script")) {
            c.setReadTimeout(Duration.ofSeconds(30));
            assertEquals("hello from websocket_init", c.readFrame().text());
            c.sendText(command);
            return c.readFrame().text();
        }
    }

    /** RSS of the flooded JVM, of its erl node and of the other JVM, at one moment. */
    private record Rss(long jvm, long erl, long other) {
        static Rss of(long jvm, long erl, long other) throws IOException {
            return new Rss(LaunchedServer.rssBytes(jvm), LaunchedServer.rssBytes(erl), LaunchedServer.rssBytes(other));
        }

        /** Each process's median RSS over the samples (the upper one of an even count). */
        static Rss median(List<Rss> samples) {
            return new Rss(median(samples.stream().mapToLong(Rss::jvm)), median(samples.stream().mapToLong(Rss::erl)),
                    median(samples.stream().mapToLong(Rss::other)));
        }

        private static long median(java.util.stream.LongStream xs) {
            long[] sorted = xs.sorted().toArray();
            return sorted[sorted.length / 2];
        }

        @Override
        public String toString() {
            return (jvm >> 20) + "/" + (erl >> 20) + "/" + (other >> 20);
        }
    }

    /** Over the samples given, every series moved by less than 2 % of its smallest value or 4 MiB. */
    private static boolean steady(List<Rss> last) {
        return spreadBelow(last.stream().mapToLong(Rss::jvm).toArray())
                && spreadBelow(last.stream().mapToLong(Rss::erl).toArray())
                && spreadBelow(last.stream().mapToLong(Rss::other).toArray());
    }

    private static boolean spreadBelow(long[] xs) {
        long min = Long.MAX_VALUE, max = 0;
        for (long x : xs) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        return max - min < Math.max(min / 50, 4L << 20);
    }

    /**
     * The server's heap after GC, taken without resizing its heap: a full collection shrinks a heap with more than
     * MaxHeapFreeRatio (70 %) free to 30 % over its live data, and G1 grows it again under the floods, which the RSS
     * window would count as growth the measurement itself caused (nothing in production calls System.gc()). The
     * flag is manageable: set to 100 for the collections, then back.
     */
    private static long heapAfterGc(javax.management.MBeanServerConnection mbs) throws Exception {
        var vm = java.lang.management.ManagementFactory.newPlatformMXBeanProxy(mbs,
                "com.sun.management:type=HotSpotDiagnostic", com.sun.management.HotSpotDiagnosticMXBean.class);
        String was = vm.getVMOption("MaxHeapFreeRatio").getValue();
        vm.setVMOption("MaxHeapFreeRatio", "100");
        try {
            return HeapAfterGc.bytes(mbs);
        } finally {
            vm.setVMOption("MaxHeapFreeRatio", was);
        }
    }

    /** The heap the JVM has committed: all resident, with {@link #PRE_TOUCH}. */
    private static long heapCommitted(javax.management.MBeanServerConnection mbs) throws Exception {
        return java.lang.management.ManagementFactory.newPlatformMXBeanProxy(mbs,
                java.lang.management.ManagementFactory.MEMORY_MXBEAN_NAME, java.lang.management.MemoryMXBean.class)
                .getHeapMemoryUsage().getCommitted();
    }

    @Test
    void fourFloodsAtOnceLeaveTheServersRssAndHeapAndTheHandlerNodesRssFlatOverAMinuteWhileOthersAreServed()
            throws Exception {
        Path modules = ErlangFixture.testModules();
        Path bridge = LocalErlangNode.bridgeHome();
        Path routes = Files.writeString(dir.resolve("flood.routes"), ROUTES);
        Path stoppedRoutes = Files.writeString(dir.resolve("stopped.routes"),
                "[{'_', [{\"/erl/echo\", demo_echo, []}]}].\n");
        // The node this test stops, reached by the second server with --erlang-node. Its net_ticktime and the
        // server's are 300 s, so that the whole test stays within one tick time: the node is hung, not yet down.
        String suffix = ProcessHandle.current().pid() + "_" + System.nanoTime() % 100_000;
        String stoppedName = "flood_handlers_" + suffix + "@localhost";
        String cookie = "flood_cookie";
        Process stopped = new ProcessBuilder("erl", "-noshell", "-noinput", "-sname", stoppedName, "-setcookie", cookie,
                "-kernel", "net_ticktime", "300",
                "-pa", bridge.resolve("ebin").toString(), "-pa", bridge.resolve("compat-ebin").toString(),
                "-pa", bridge.resolve("examples-ebin").toString(),
                "-eval", "{ok, _} = application:ensure_all_started(corral_bridge).")
                .redirectErrorStream(true).redirectOutput(dir.resolve("stopped-node.log").toFile()).start();
        LaunchedServer server = null, other = null;
        ConcurrentLinkedQueue<WireClient> open = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> floods = new ArrayList<>();
        try {
            server = LaunchedServer.serve(List.of("--port=0", "--routes", routes.toString(), "--pa", modules.toString(),
                    "--pa", bridge.resolve("examples-ebin").toString(), "--drain-timeout=1s"),
                    Map.of(JAVA_OPTS, PRE_TOUCH));
            other = LaunchedServer.serve(List.of("--port=0", "--routes", stoppedRoutes.toString(),
                    "--node", "flood_java_" + suffix, "--erlang-node", stoppedName, "--net-ticktime", "300",
                    "--drain-timeout=1s"), Map.of("CORRAL_COOKIE", cookie, JAVA_OPTS, PRE_TOUCH));
            int port = server.port();

            // The local erl node the server started: its own answer, and a child of the server's JVM.
            long erl = Long.parseLong(ask(port, "os_pid"));
            long serverPid = server.pid();
            assertTrue(ProcessHandle.of(erl).flatMap(ProcessHandle::parent).map(ProcessHandle::pid)
                    .orElse(-1L) == serverPid, "erl " + erl + " is the node the server " + serverPid + " started");

            List<WireClient> toStopped = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                WireClient c = WireClient.connect("127.0.0.1", other.port(), "/erl/echo");
                assertEquals(101, c.handshake().status(), "the node serves before it is stopped");
                c.sendText("up");
                assertEquals("up", c.readFrame().text());
                toStopped.add(c);
                open.add(c);
            }
            assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(stopped.pid())).start().waitFor());
            var serverBeans = server.mbeans();
            var otherBeans = other.mbeans();

            AtomicLong fragmentRounds = new AtomicLong(), slowReaderRounds = new AtomicLong();
            AtomicLong slowHandlerBytes = new AtomicLong(), stoppedBytes = new AtomicLong();
            byte[] oneByte = WireClient.encode(false, 0, Frame.CONTINUATION, new byte[] {7}, true);
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            for (int i = 0; i < 4096; i++) batch.writeBytes(oneByte);
            byte[] fragments = batch.toByteArray();
            byte[] big = WireClient.encode(true, 0, Frame.BINARY, new byte[65536], true);

            // 1. One-byte fragments, never finished: each message ends at max_frame_size with 1009, then again.
            for (String path : List.of("/java/echo", "/java/echo", "/erl/demo_echo")) {
                flood(floods, stop, fragmentRounds, s -> {
                    try (WireClient c = WireClient.connect("127.0.0.1", port, path)) {
                        open.add(c);
                        c.sendRaw(WireClient.encode(false, 0, Frame.BINARY, new byte[] {7}, true));
                        while (!s.get()) c.sendRaw(fragments);
                    }
                });
            }
            // 2. Clients that never read a route that pushes 64 KiB frames: closed at the send limits, then again.
            for (int i = 0; i < 3; i++) {
                flood(floods, stop, slowReaderRounds, s -> {
                    try (WireClient c = WireClient.connect("127.0.0.1", port, "/erl/limited")) {
                        open.add(c);
                        c.sendText("flood");
                        // reads nothing; the route's 1 s send_timeout closes it well within this
                        for (int k = 0; k < 30 && !s.get(); k++) Thread.sleep(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            // 3. A slow Erlang handler (20 ms a frame) fed 64 KiB frames as fast as TCP takes them.
            for (int i = 0; i < 2; i++) {
                flood(floods, stop, new AtomicLong(), s -> {
                    try (WireClient c = WireClient.connect("127.0.0.1", port, "/erl/limited")) {
                        open.add(c);
                        c.readFrame();
                        c.sendText("slow 20");
                        while (!s.get()) {
                            c.sendRaw(big);
                            slowHandlerBytes.addAndGet(big.length);
                        }
                    }
                });
            }
            // 4. Clients of the stopped node keep writing (each on its one connection: it is never closed).
            for (WireClient c : toStopped) {
                floods.add(Thread.ofVirtual().start(() -> {
                    try {
                        while (!stop.get()) {
                            c.sendRaw(big);
                            stoppedBytes.addAndGet(big.length);
                        }
                    } catch (IOException e) {
                        // closed at the end of the test
                    }
                }));
            }

            // Other clients are served all along.
            List<String> probeFailures = new CopyOnWriteArrayList<>();
            AtomicLong probes = new AtomicLong();
            Thread prober = Thread.ofVirtual().start(() -> {
                while (!stop.get()) {
                    for (String path : List.of("/java/echo", "/erl/demo_echo")) {
                        try (WireClient c = WireClient.connect("127.0.0.1", port, path)) {
                            c.setReadTimeout(Duration.ofSeconds(20));
                            c.sendText("probe");
                            String back = c.readFrame().text();
                            if (!"probe".equals(back)) probeFailures.add(path + " echoed " + back);
                            probes.incrementAndGet();
                        } catch (IOException e) {
                            if (!stop.get()) probeFailures.add(path + ": " + e);
                        }
                    }
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });

            // Under way: every fragment flood and every slow reader has been closed and has come back twice, so each
            // kind of buffer has been filled to its limit and freed. Bounded, for a machine too loaded for that.
            long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while ((fragmentRounds.get() < 6 || slowReaderRounds.get() < 6) && System.nanoTime() < warm) {
                Thread.sleep(200);
            }
            long heapBefore = heapAfterGc(serverBeans);
            long otherHeapBefore = heapAfterGc(otherBeans);
            long beamBefore = Long.parseLong(ask(port, "memory"));
            // RSS after warm-up: a JVM's and erl's RSS grow for a while under any new load (heap regions touched
            // for the first time, after the collections above too; JIT code; allocator pools and carriers reaching
            // the size the load needs) and then stay. The first sample is taken once each of the three processes'
            // RSS has moved by less than 2 % over 5 s (one sample a second; or by 4 MiB, half the slack: erl's RSS
            // moves by 2 or 3 MiB either way from second to second as its allocators take and release carriers);
            // a leak does not settle like that, and the window that follows would show it anyway. At most 25 s of this.
            List<Rss> samples = new ArrayList<>();
            long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
            do {
                samples.add(Rss.of(serverPid, erl, other.pid()));
                if (samples.size() >= 6 && steady(samples.subList(samples.size() - 6, samples.size()))) break;
                Thread.sleep(1000);
            } while (System.nanoTime() < settle);
            // Over the window one sample a second; each process's median over its first third against its median
            // over the last. Under these floods a JVM's RSS spikes by tens of MiB for a second or two (its allocators
            // take memory for the floods' buffers and give it back: 1211 -> 1236 -> 1257 -> 1212 MiB once, 1221 ->
            // 1177 -> 1189 another time), so one sample at each end may compare a trough with a spike; a leak raises
            // the whole level, which a spike does not.
            long sentToStopped = stoppedBytes.get();
            List<Rss> window = new ArrayList<>(List.of(samples.getLast()));
            long end = System.nanoTime() + WINDOW.toNanos();
            while (System.nanoTime() < end) {
                Thread.sleep(1000);
                window.add(Rss.of(serverPid, erl, other.pid()));
            }
            int third = Math.max(1, window.size() / 3);
            Rss before = Rss.median(window.subList(0, third));
            Rss after = Rss.median(window.subList(window.size() - third, window.size()));
            long heapAfter = heapAfterGc(serverBeans);
            long otherHeapAfter = heapAfterGc(otherBeans);
            long beamAfter = Long.parseLong(ask(port, "memory"));
            stop.set(true);
            for (WireClient c : open) c.close(); // unblocks writers blocked on TCP backpressure
            for (Thread t : floods) t.join(TimeUnit.SECONDS.toMillis(30));
            prober.join(TimeUnit.SECONDS.toMillis(30));

            System.out.printf("floods over %d s: RSS (MiB, flooded JVM/its erl/stopped node's JVM) while settling %s;"
                    + " over the window %s; medians of its first and last third %s -> %s; heap after GC %d -> %d KiB"
                    + " (stopped node's JVM %d -> %d KiB), BEAM %d -> %d KiB;"
                    + " fragment rounds %d, slow-reader rounds %d, %d MiB to the slow handler, %d KiB to the stopped"
                    + " node in the window, %d probes%n", WINDOW.toSeconds(), samples, window, before, after,
                    heapBefore >> 10, heapAfter >> 10, otherHeapBefore >> 10, otherHeapAfter >> 10, beamBefore >> 10,
                    beamAfter >> 10, fragmentRounds.get(), slowReaderRounds.get(), slowHandlerBytes.get() >> 20,
                    (stoppedBytes.get() - sentToStopped) >> 10, probes.get());
            assertEquals(List.of(), probeFailures, "other clients are served during the floods");
            assertTrue(probes.get() >= 10, "the probes ran: " + probes.get());
            assertTrue(fragmentRounds.get() > 6, "fragment floods were closed (1009) and came back: " + fragmentRounds);
            assertTrue(slowReaderRounds.get() > 6, "slow readers were closed and came back: " + slowReaderRounds);
            assertTrue(stoppedBytes.get() - sentToStopped < 16L << 20, "writes to a stopped node's routes block"
                    + " (max_in_flight, then TCP backpressure): " + ((stoppedBytes.get() - sentToStopped) >> 10)
                    + " KiB more taken in the window");
            // The JVMs' RSS less their heap, which is resident in full from the start and measured after GC below:
            // 10 % of the rest, not of a GiB of heap.
            long heap = heapCommitted(serverBeans), otherHeap = heapCommitted(otherBeans);
            assertTrue(before.jvm() > heap && before.other() > otherHeap, "the heaps are resident (" + PRE_TOUCH
                    + "): RSS " + before + " MiB, heaps " + (heap >> 20) + "/" + (otherHeap >> 20) + " MiB");
            assertFlat(before.jvm() - heap, after.jvm() - heap, JVM_RSS_SLACK,
                    "the flooded server JVM's RSS apart from its heap");
            assertFlat(before.erl(), after.erl(), RSS_SLACK, "its local erl node's RSS");
            assertFlat(before.other() - otherHeap, after.other() - otherHeap, JVM_RSS_SLACK,
                    "the stopped node's server JVM's RSS apart from its heap");
            assertFlat(heapBefore, heapAfter, HEAP_SLACK, "the flooded server JVM's heap after GC");
            assertFlat(otherHeapBefore, otherHeapAfter, HEAP_SLACK, "the stopped node's server JVM's heap after GC");
            assertFlat(beamBefore, beamAfter, HEAP_SLACK, "the local erl node's BEAM memory after GC");
        } finally {
            stop.set(true);
            for (WireClient c : open) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            new ProcessBuilder("kill", "-CONT", Long.toString(stopped.pid())).start().waitFor();
            if (server != null) server.close();
            if (other != null) other.close();
            stopped.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
