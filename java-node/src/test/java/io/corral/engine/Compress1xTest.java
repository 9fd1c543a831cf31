package io.corral.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.corral.Corral;
import io.corral.config.ListenerSettings;
import io.corral.config.Settings;
import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cowboy 1.x compresses when the listener was started with {@code compress} (cowboy_websocket:websocket_extensions/1
 * @ 1.1.2), and then only x-webkit-deflate-frame without parameters; it ignores permessage-deflate. {@code /ws1} is a
 * 1.x handler; {@code --compress} is the listener switch.
 */
class Compress1xTest extends EngineFixture {
    static Corral compressing;

    @BeforeAll
    static void startCompressing() throws Exception {
        compressing = Corral.start(Settings.builder().port(0).routesText("1.x compress routes", ROUTES)
                .listener(ListenerSettings.builder().compress(true).build()).build());
    }

    @AfterAll
    static void stop() {
        compressing.close();
    }

    @Test
    void aListenerStartedWithCompressAcceptsXWebkitDeflateFrameOnA1xRoute() throws Exception {
        try (WireClient c = WireClient.connect("127.0.0.1", compressing.port(), "/ws1?id=" + newId(),
                "Sec-WebSocket-Extensions: x-webkit-deflate-frame")) {
            assertEquals(101, c.handshake().status(), "upgraded");
            assertEquals("x-webkit-deflate-frame", c.handshake().header("sec-websocket-extensions"), "1.x's answer");
            Inflater client = new Inflater(true); // one context for the connection: frames take it over
            Frame hello = c.readFrame();
            assertEquals(4, hello.rsv(), "what websocket_info/3 sends is compressed too");
            assertEquals("info from websocket_init", new String(CompressionTest.decompress(client, hello.payload()),
                    StandardCharsets.UTF_8), "the 1.x handler's first message");
            Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            c.sendFrame(true, 4, Frame.TEXT, DeflateOptsTest.frameDeflate(d, "compressed in 1.x"));
            Frame f = c.readFrame();
            assertEquals(4, f.rsv(), "the echo is compressed");
            assertEquals("compressed in 1.x", new String(CompressionTest.decompress(client, f.payload()),
                    StandardCharsets.UTF_8), "and inflates to the message");
        }
    }

    @Test
    void a1xRouteIgnoresPermessageDeflateAndDeflateFrameWithParameters() throws Exception {
        for (String offer : new String[] {"permessage-deflate", "x-webkit-deflate-frame; max_window_bits=10"}) {
            try (WireClient c = WireClient.connect("127.0.0.1", compressing.port(), "/ws1?id=" + newId(),
                    "Sec-WebSocket-Extensions: " + offer)) {
                assertEquals(101, c.handshake().status(), offer);
                assertNull(c.handshake().header("sec-websocket-extensions"), "1.x does not take " + offer);
            }
        }
    }

    @Test
    void withoutTheListenerSwitchA1xRouteDoesNotCompress() throws Exception {
        try (WireClient c = WireClient.connect("127.0.0.1", port(), "/ws1?id=" + newId(),
                "Sec-WebSocket-Extensions: x-webkit-deflate-frame")) {
            assertEquals(101, c.handshake().status(), "upgraded");
            assertNull(c.handshake().header("sec-websocket-extensions"), "compress is off by default, as in 1.x");
        }
    }
}
