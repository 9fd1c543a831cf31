package io.corral.fromerlang;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.wire.WireClient;
import java.io.IOException;
import java.time.Duration;

/** What the tests check through the test applications' chat handlers, on the wire. */
final class Chat {
    private Chat() {}

    /** Joins {@code room} on the listener at {@code port}: a 101, then the handler's greeting. */
    static WireClient join(int port, String room) throws IOException {
        WireClient c = WireClient.connect("127.0.0.1", port, "/chat/" + room);
        assertEquals(101, c.handshake().status(), "the chat route upgrades: " + c.handshake());
        c.setReadTimeout(Duration.ofSeconds(20));
        assertEquals("joined " + room, c.readFrame().text(), "websocket_init's first frame greets the room");
        return c;
    }

    /** One client says something; every client in the room hears it, the sender too (pg broadcast). */
    static void broadcastReachesEveryone(WireClient from, WireClient... everyone) throws IOException {
        String msg = "hello from " + from.key();
        from.sendText(msg);
        for (WireClient c : everyone) {
            assertEquals(msg, c.readFrame().text(), "pg:get_members/1 of the room includes every open connection");
        }
    }

    /** The Java route of the same dispatch echoes. */
    static void javaRouteEchoes(int port) throws IOException {
        try (WireClient c = WireClient.connect("127.0.0.1", port, "/java/echo")) {
            assertEquals(101, c.handshake().status(), "a Java handler class in the dispatch is served too");
            c.setReadTimeout(Duration.ofSeconds(20));
            c.sendText("echo me");
            assertEquals("echo me", c.readFrame().text(), "io.corral.demo.EchoHandler echoes");
        }
    }

    /** The status of a plain GET (no upgrade) on {@code path}: 426 in Cowboy 2.2+, 400 in 1.x. */
    static int plainGetStatus(int port, String path) throws IOException {
        try (WireClient c = WireClient.request("127.0.0.1", port,
                "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")) {
            return c.handshake().status();
        }
    }
}
