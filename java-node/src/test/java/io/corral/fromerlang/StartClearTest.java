package io.corral.fromerlang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.wire.WireClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Cowboy 2.x application (test resources erlang/fromerlang: chat_app, chat_h) whose supervisor runs
 * {@code corral:child_spec/3}, on a real node that is not distributed (Corral makes it so: a random name,
 * loopback only). The chat handler broadcasts through pg, which the application's own tree starts.
 */
class StartClearTest {

    /** Starts the chat application with {@code router} and {@code port}; returns the port it listens on. */
    static int startChat(ErlNode node, String router, int port) throws Exception {
        // Loaded first: loading an application sets its env from the .app file, over what was set before.
        node.eval("application:load(chat), application:set_env(chat, router, " + router + "), application:set_env(chat, port, " + port + ").");
        String started = node.eval("application:ensure_all_started(chat).");
        assertTrue(started.startsWith("{ok,"), "the chat application and corral start: " + started + "\n" + node.log());
        return Integer.parseInt(node.eval("corral:get_port(chat_listener)."));
    }

    static long jvmPid(ErlNode node) throws Exception {
        return Long.parseLong(node.evalMatch("maps:get(jvm_os_pid, corral:info(chat_listener)).", "(\\d+)"));
    }

    @Test
    void aDispatchFromCorralRouterServesTheChatToTwoClientsThatHearEachOther() throws Exception {
        try (ErlNode node = ErlNode.start(List.of(), List.of())) {
            int port = startChat(node, "corral_router", 0);
            try (WireClient a = Chat.join(port, "lobby"); WireClient b = Chat.join(port, "lobby")) {
                Chat.broadcastReachesEveryone(a, a, b);
                Chat.broadcastReachesEveryone(b, a, b);
            }
            Chat.javaRouteEchoes(port);
            assertEquals(426, Chat.plainGetStatus(port, "/chat/lobby"),
                    "start_clear/3 serves Cowboy 2.x's defaults: a plain GET is 426 Upgrade Required");
            assertTrue(node.eval("node().").startsWith("corral_"),
                    "the node was not distributed: Corral gave it a random name");
        }
    }

    @Test
    void aDispatchFromRealCowboyRouterServesTheSameChat() throws Exception {
        List<Path> cowboy = ErlNode.cowboy("2.17.0");
        try (ErlNode node = ErlNode.start(List.of(), cowboy)) {
            assertTrue(node.eval("code:which(cowboy_router).").contains("2.17.0"), "real Cowboy is on the node");
            int port = startChat(node, "cowboy_router", 0);
            try (WireClient a = Chat.join(port, "lobby"); WireClient b = Chat.join(port, "lobby");
                 WireClient other = Chat.join(port, "other")) {
                Chat.broadcastReachesEveryone(a, a, b);
                other.sendText("only for the other room");
                assertEquals("only for the other room", other.readFrame().text(), "the sender's room hears it");
                Chat.broadcastReachesEveryone(b, a, b); // and not the other room's message first
            }
            Chat.javaRouteEchoes(port);
            assertEquals("true", node.eval("cowboy_router:compile([{'_', [{\"/c/:r/[...]\", h, []}]}]) =:= "
                    + "corral_router:compile([{'_', [{\"/c/:r/[...]\", h, []}]}])."),
                    "both compilers give the same dispatch");
        }
    }

    @Test
    void killingTheJvmRestartsTheListenerInTheApplicationsTreeAndClientsConnectAgain() throws Exception {
        try (ErlNode node = ErlNode.start(List.of(), List.of())) {
            int port = startChat(node, "corral_router", ErlNode.freePort());
            long first = jvmPid(node);
            WireClient before = Chat.join(port, "lobby");
            ProcessHandle.of(first).orElseThrow().destroyForcibly();
            assertTrue(ErlNode.awaitGone(first, Duration.ofSeconds(20)), "the JVM was killed");
            assertEquals(-1, readToEnd(before), "the connection the dead JVM held is gone");
            long second = awaitNewJvm(node, first);
            assertNotEquals(first, second, "the supervisor restarted the listener, which started a new JVM");
            assertEquals(port, Integer.parseInt(node.eval("corral:get_port(chat_listener).")),
                    "the restarted listener is on the same port");
            try (WireClient a = Chat.join(port, "lobby"); WireClient b = Chat.join(port, "lobby")) {
                Chat.broadcastReachesEveryone(a, a, b);
            }
        }
    }

    /** Reads until the server side is closed; -1 once it is. */
    private static int readToEnd(WireClient c) {
        try {
            while (c.readFrame() != null) {
                // frames in flight when the JVM died, if any
            }
        } catch (java.io.IOException closed) {
            // a reset or EOF: the socket is gone with the JVM
        }
        return -1;
    }

    static long awaitNewJvm(ErlNode node, long old) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            String v = node.eval("catch maps:get(jvm_os_pid, corral:info(chat_listener)).");
            if (v.matches("\\d+") && Long.parseLong(v) != old) return Long.parseLong(v);
            Thread.sleep(200);
        }
        throw new AssertionError("no new JVM within 60 s\n" + node.log());
    }

    @Test
    void stoppingTheNodeLeavesNoJvmBehind() throws Exception {
        try (ErlNode node = ErlNode.start(List.of(), List.of())) {
            startChat(node, "corral_router", 0);
            long jvm = jvmPid(node);
            node.send("init:stop().");
            assertTrue(node.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the node stops");
            assertTrue(ErlNode.awaitGone(jvm, Duration.ofSeconds(20)), "the listener's JVM stopped with the node");
        }
    }

    @Test
    void aNodeKilledOutrightLeavesNoJvmBehindEither() throws Exception {
        try (ErlNode node = ErlNode.start(List.of(), List.of())) {
            startChat(node, "corral_router", 0);
            long jvm = jvmPid(node);
            node.process().destroyForcibly(); // SIGKILL: no terminate/2 runs; the JVM sees its stdin close
            assertTrue(ErlNode.awaitGone(jvm, Duration.ofSeconds(20)),
                    "the JVM exits when the node that owns its port is gone, however it went");
        }
    }

    @Test
    void setEnvReplacesTheRoutesForNewConnectionsAndLeavesOpenOnesAlone() throws Exception {
        try (ErlNode node = ErlNode.start(List.of(), List.of())) {
            int port = startChat(node, "corral_router", ErlNode.freePort());
            try (WireClient open = Chat.join(port, "lobby")) {
                assertEquals("ok", node.eval("corral:set_env(chat_listener, dispatch, "
                        + "corral_router:compile([{'_', [{\"/room/:room\", chat_h, []}]}]))."));
                Chat.broadcastReachesEveryone(open, open);
                try (WireClient gone = WireClient.connect("127.0.0.1", port, "/chat/lobby")) {
                    assertEquals(404, gone.handshake().status(), "the old route is gone for new connections");
                }
                try (WireClient fresh = WireClient.connect("127.0.0.1", port, "/room/lobby")) {
                    assertEquals(101, fresh.handshake().status(), "the new route serves new connections");
                    fresh.setReadTimeout(Duration.ofSeconds(20));
                    assertEquals("joined lobby", fresh.readFrame().text());
                    Chat.broadcastReachesEveryone(fresh, open, fresh);
                }
            }
            assertEquals("{error,{undef_handler,no_such_handler}}", node.eval("corral:set_env(chat_listener, dispatch, "
                    + "corral_router:compile([{'_', [{\"/x\", no_such_handler, []}]}]))."),
                    "a dispatch naming a module that does not load is refused, and the routes stay");
            long first = jvmPid(node);
            ProcessHandle.of(first).orElseThrow().destroyForcibly();
            awaitNewJvm(node, first);
            try (WireClient again = WireClient.connect("127.0.0.1", port, "/room/lobby")) {
                assertEquals(101, again.handshake().status(),
                        "a restarted listener keeps the routes set_env gave it, as ranch keeps updated options");
            }
        }
    }

    @Test
    void infoCountsTheOpenConnectionsAndTheirBytes() throws Exception {
        try (ErlNode node = ErlNode.start(List.of(), List.of())) {
            int port = startChat(node, "corral_router", 0);
            try (WireClient a = Chat.join(port, "lobby"); WireClient b = Chat.join(port, "lobby")) {
                Chat.broadcastReachesEveryone(a, a, b);
                String info = node.eval("corral:info(chat_listener).");
                assertTrue(info.contains("active_connections => 2"), "two connections are open: " + info);
                assertTrue(info.contains("port => " + port), info);
                long in = Long.parseLong(node.evalMatch("maps:get(bytes_in, corral:info(chat_listener)).", "(\\d+)"));
                assertTrue(in > 0, "the text frame a sent was counted: " + info);
            }
        }
    }
}
