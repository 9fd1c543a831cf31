package io.corral.fromerlang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.wire.WireClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Cowboy 1.x application (chat1_app, chat1_h: init/3, Req threaded through) whose start/2 calls
 * {@code corral:start_http/4} with 1.x's arguments, on a node that is already distributed (-sname, its own
 * cookie): Corral keeps its name and hands its cookie to the JVM.
 */
class StartHttpTest {

    static int startChat1(ErlNode node, String router) throws Exception {
        node.eval("application:load(chat1), application:set_env(chat1, router, " + router + ").");
        String started = node.eval("application:ensure_all_started(chat1).");
        assertTrue(started.startsWith("{ok,"), "the chat1 application and corral start: " + started + "\n" + node.log());
        return Integer.parseInt(node.eval("corral:get_port(chat1_listener)."));
    }

    static List<String> distributed() {
        return List.of("-sname", "chat1_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 100000,
                "-setcookie", "chat1_cookie");
    }

    private static void chat(int port) throws Exception {
        try (WireClient a = Chat.join(port, "lobby"); WireClient b = Chat.join(port, "lobby")) {
            Chat.broadcastReachesEveryone(a, a, b);
            Chat.broadcastReachesEveryone(b, a, b);
        }
        Chat.javaRouteEchoes(port);
        try (WireClient z = WireClient.connect("127.0.0.1", port, "/chat/lobby",
                "Sec-WebSocket-Extensions: x-webkit-deflate-frame")) {
            assertEquals(101, z.handshake().status());
            String ext = z.handshake().header("sec-websocket-extensions");
            // Cowboy 1.x speaks x-webkit-deflate-frame only (cowboy_websocket:websocket_extensions/1 @ 1.1.2).
            assertTrue(ext != null && ext.contains("x-webkit-deflate-frame"),
                    "{compress, true} in start_http/4's options turns on compression for the 1.x route: " + ext);
        }
        assertEquals(400, Chat.plainGetStatus(port, "/java/echo"),
                "start_http/4 serves Cowboy 1.x's defaults even for a Java 2.x handler: a plain GET is 400, not 426");
    }

    @Test
    void aOneXApplicationStartsItsListenerWithStartHttpAndItsChatBroadcasts() throws Exception {
        try (ErlNode node = ErlNode.start(distributed(), List.of())) {
            int port = startChat1(node, "corral_router");
            chat(port);
            assertEquals("chat1_cookie", node.eval("erlang:get_cookie()."), "the node keeps its own cookie");
            String info = node.eval("corral:info(chat1_listener).");
            assertTrue(info.contains("protocol => http"), info);
            assertEquals("ok", node.eval("application:stop(chat1)."));
            assertEquals("{error,not_found}", node.eval("corral:stop_listener(chat1_listener)."),
                    "the application's stop/1 stopped the listener");
        }
    }

    @Test
    void aOneXDispatchFromRealCowboy112RouterIsServedTheSame() throws Exception {
        List<Path> cowboy = ErlNode.cowboy("1.1.2");
        try (ErlNode node = ErlNode.start(distributed(), cowboy)) {
            assertTrue(node.eval("code:which(cowboy_router).").contains("1.1.2"), "real Cowboy 1.1.2 is on the node");
            chat(startChat1(node, "cowboy_router"));
        }
    }
}
