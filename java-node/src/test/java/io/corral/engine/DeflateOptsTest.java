package io.corral.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/**
 * permessage-deflate negotiated as Cowboy 2.17 negotiates it (cow_ws:negotiate_permessage_deflate/3), one test per
 * case of Cowboy's ws_SUITE ({@code ws_deflate_opts_*}, same offers, same expected answers), and the offers Cowboy
 * accepts that Corral used to decline. {@code dopt=NAME:VALUE} sets one {@code deflate_opts} entry, as Cowboy's
 * ws_deflate_opts_h does.
 */
class DeflateOptsTest extends EngineFixture {
    private static final int RSV1 = 4;

    private static String answer(String dopt, String offer) throws Exception {
        try (WireClient c = WireClient.connect("127.0.0.1", port(), "/ws?id=" + newId() + "&compress"
                + (dopt.isEmpty() ? "" : "&dopt=" + dopt), "Sec-WebSocket-Extensions: " + offer)) {
            assertEquals(101, c.handshake().status(), "upgraded");
            return c.handshake().header("sec-websocket-extensions");
        }
    }

    @Test
    void clientContextTakeoverConfiguredAnswersWhatTheClientOffered() throws Exception {
        assertEquals("permessage-deflate", answer("client_context_takeover:takeover", "permessage-deflate"));
        assertEquals("permessage-deflate; client_no_context_takeover",
                answer("client_context_takeover:takeover", "permessage-deflate; client_no_context_takeover"));
    }

    @Test
    void clientNoContextTakeoverConfiguredIsAnsweredEvenWhenNotOffered() throws Exception {
        assertEquals("permessage-deflate; client_no_context_takeover",
                answer("client_context_takeover:no_takeover", "permessage-deflate"));
        assertEquals("permessage-deflate; client_no_context_takeover",
                answer("client_context_takeover:no_takeover", "permessage-deflate; client_no_context_takeover"));
    }

    @Test
    void clientMaxWindowBitsConfiguredIsAnsweredToABareOffer() throws Exception {
        assertEquals("permessage-deflate; client_max_window_bits=9",
                answer("client_max_window_bits:9", "permessage-deflate; client_max_window_bits"));
    }

    @Test
    void clientMaxWindowBitsTheSmallerOfOfferAndConfigurationWins() throws Exception {
        assertEquals("permessage-deflate; client_max_window_bits=8",
                answer("client_max_window_bits:9", "permessage-deflate; client_max_window_bits=8"));
        assertEquals("permessage-deflate; client_max_window_bits=9",
                answer("client_max_window_bits:9", "permessage-deflate; client_max_window_bits=12"));
    }

    @Test
    void clientMaxWindowBitsConfiguredButNotOfferedDeclinesCompression() throws Exception {
        assertNull(answer("client_max_window_bits:9", "permessage-deflate"),
                "RFC 7692 7.1.2.2: the client did not say it supports the parameter");
    }

    @Test
    void serverContextTakeoverConfiguredAnswersWhatTheClientOffered() throws Exception {
        assertEquals("permessage-deflate", answer("server_context_takeover:takeover", "permessage-deflate"));
        assertEquals("permessage-deflate; server_no_context_takeover",
                answer("server_context_takeover:takeover", "permessage-deflate; server_no_context_takeover"));
    }

    @Test
    void serverNoContextTakeoverConfiguredIsAnsweredEvenWhenNotOffered() throws Exception {
        assertEquals("permessage-deflate; server_no_context_takeover",
                answer("server_context_takeover:no_takeover", "permessage-deflate"));
        assertEquals("permessage-deflate; server_no_context_takeover",
                answer("server_context_takeover:no_takeover", "permessage-deflate; server_no_context_takeover"));
    }

    @Test
    void serverMaxWindowBitsConfiguredIsAnsweredWhenNotOffered() throws Exception {
        assertEquals("permessage-deflate; server_max_window_bits=9", answer("server_max_window_bits:9", "permessage-deflate"));
    }

    @Test
    void serverMaxWindowBitsTheSmallerOfOfferAndConfigurationWins() throws Exception {
        assertEquals("permessage-deflate; server_max_window_bits=8",
                answer("server_max_window_bits:9", "permessage-deflate; server_max_window_bits=8"));
        assertEquals("permessage-deflate; server_max_window_bits=9",
                answer("server_max_window_bits:9", "permessage-deflate; server_max_window_bits=12"));
    }

    /** ws_SUITE do_ws_deflate_opts_z: "Hello" compressed by the client comes back as the same 7 bytes. */
    private static void helloComesBackCompressed(String dopt) throws Exception {
        try (WireClient c = WireClient.connect("127.0.0.1", port(), "/ws?id=" + newId() + "&compress&dopt=" + dopt,
                "Sec-WebSocket-Extensions: permessage-deflate")) {
            assertEquals("permessage-deflate", c.handshake().header("sec-websocket-extensions"), dopt);
            byte[] hello = {(byte) 242, 72, (byte) 205, (byte) 201, (byte) 201, 7, 0};
            c.sendFrame(true, RSV1, Frame.TEXT, hello);
            Frame f = c.readFrame();
            assertEquals(RSV1, f.rsv(), "compressed echo under " + dopt);
            assertArrayEquals(hello, f.payload(), "the echo is Hello compressed, byte for byte as Cowboy's, under " + dopt);
        }
    }

    @Test
    void levelIsHonoured() throws Exception {
        helloComesBackCompressed("level:best_speed");
    }

    @Test
    void memLevelIsHonoured() throws Exception {
        helloComesBackCompressed("mem_level:1");
    }

    @Test
    void strategyIsAccepted() throws Exception {
        helloComesBackCompressed("strategy:rle");
    }

    @Test
    void anOfferOfServerNoContextTakeoverServerWindowAndBareClientWindowIsAcceptedAsCowboy217Words() throws Exception {
        // Observed on Cowboy 2.17 with this offer; the order is Cowboy's (sorted offer, last decided first).
        assertEquals("permessage-deflate; server_no_context_takeover; client_max_window_bits=15; server_max_window_bits=10",
                answer("", "permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_max_window_bits"));
    }

    @Test
    void aBareClientMaxWindowBitsIsAnswered15() throws Exception {
        assertEquals("permessage-deflate; client_max_window_bits=15", answer("", "permessage-deflate; client_max_window_bits"));
    }

    @Test
    void anOfferWithAnUnknownOrBadParameterIsDeclinedAndTheNextOneAccepted() throws Exception {
        assertEquals("permessage-deflate", answer("", "permessage-deflate; foo, permessage-deflate"));
        assertEquals("permessage-deflate", answer("", "permessage-deflate; server_max_window_bits=abc, permessage-deflate"));
        assertNull(answer("", "permessage-deflate; client_max_window_bits=99999999999"), "a window of 8-15 bits only");
    }

    private static byte[] inflateWithWindow(int bits, byte[] payload) throws Exception {
        com.jcraft.jzlib.Inflater in = new com.jcraft.jzlib.Inflater(bits, true);
        byte[] input = Arrays.copyOf(payload, payload.length + 4);
        input[payload.length + 2] = (byte) 0xff;
        input[payload.length + 3] = (byte) 0xff;
        in.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (true) {
            in.setOutput(buf);
            int r = in.inflate(com.jcraft.jzlib.JZlib.Z_SYNC_FLUSH);
            out.write(buf, 0, buf.length - in.avail_out);
            if (r == com.jcraft.jzlib.JZlib.Z_DATA_ERROR) throw new java.util.zip.DataFormatException(in.getMessage());
            if (in.avail_in == 0 || r == com.jcraft.jzlib.JZlib.Z_BUF_ERROR) break;
        }
        return out.toByteArray();
    }

    @Test
    void theServerCompressesWithinTheNegotiatedWindow() throws Exception {
        // 1000 random bytes twice: the second copy is 1000 bytes back, beyond a 2^9 window.
        byte[] half = new byte[1000];
        new Random(7).nextBytes(half);
        byte[] msg = new byte[2000];
        System.arraycopy(half, 0, msg, 0, 1000);
        System.arraycopy(half, 0, msg, 1000, 1000);
        try (WireClient c = open(newId(), "compress", "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=9")) {
            assertEquals("permessage-deflate; server_max_window_bits=9", c.handshake().header("sec-websocket-extensions"));
            c.sendFrame(true, RSV1, Frame.BINARY, CompressionTest.compress(msg));
            Frame f = c.readFrame();
            assertArrayEquals(msg, inflateWithWindow(9, f.payload()), "a client with a 512-byte window inflates it");
        }
        try (WireClient c = open(newId(), "compress", "Sec-WebSocket-Extensions: permessage-deflate")) {
            c.sendFrame(true, RSV1, Frame.BINARY, CompressionTest.compress(msg));
            byte[] wide = c.readFrame().payload();
            assertThrows(Throwable.class, () -> {
                if (!Arrays.equals(msg, inflateWithWindow(9, wide))) throw new AssertionError("differs");
            }, "the check can fail: with a 15-bit window the server reaches 1000 bytes back");
        }
    }

    @Test
    void serverNoContextTakeoverOfferedMakesEveryMessageInflateOnItsOwn() throws Exception {
        String msg = "the same message twice, the same message twice";
        try (WireClient c = open(newId(), "compress", "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover")) {
            assertEquals("permessage-deflate; server_no_context_takeover", c.handshake().header("sec-websocket-extensions"));
            for (int i = 0; i < 2; i++) {
                c.sendFrame(true, RSV1, Frame.TEXT, CompressionTest.compress(msg.getBytes(StandardCharsets.UTF_8)));
                Frame f = c.readFrame();
                assertEquals(msg, new String(CompressionTest.decompress(new Inflater(true), f.payload()), StandardCharsets.UTF_8),
                        "message " + i + " inflates with a fresh context");
            }
        }
    }

    @Test
    void xWebkitDeflateFrameIsAcceptedOnACompressRouteAndEachFrameIsCompressedOnItsOwn() throws Exception {
        try (WireClient c = open(newId(), "compress", "Sec-WebSocket-Extensions: x-webkit-deflate-frame")) {
            assertEquals("x-webkit-deflate-frame", c.handshake().header("sec-websocket-extensions"), "Cowboy 2.17's answer");
            Inflater client = new Inflater(true);
            // Per-frame compression, one shared context: a fragmented message has RSV1 on each compressed fragment.
            java.util.zip.Deflater d = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
            c.sendFrame(false, RSV1, Frame.TEXT, frameDeflate(d, "hello "));
            c.sendFrame(true, RSV1, Frame.CONTINUATION, frameDeflate(d, "deflate-frame"));
            Frame f = c.readFrame();
            assertEquals(RSV1, f.rsv(), "the echo is compressed");
            assertEquals("hello deflate-frame", new String(CompressionTest.decompress(client, f.payload()), StandardCharsets.UTF_8),
                    "and inflates to the reassembled message");
        }
    }

    static byte[] frameDeflate(java.util.zip.Deflater d, String s) {
        d.setInput(s.getBytes(StandardCharsets.UTF_8));
        byte[] buf = new byte[1024];
        int n = d.deflate(buf, 0, buf.length, java.util.zip.Deflater.SYNC_FLUSH);
        return Arrays.copyOf(buf, n - 4);
    }

    @Test
    void deflateFrameWithoutCompressOnTheRouteIsIgnored() throws Exception {
        try (WireClient c = open(newId(), "", "Sec-WebSocket-Extensions: x-webkit-deflate-frame")) {
            assertNull(c.handshake().header("sec-websocket-extensions"), "compress => false");
        }
    }

    @Test
    void theFirstAcceptableOfferInTheClientsOrderWins() throws Exception {
        assertEquals("x-webkit-deflate-frame", answer("", "x-webkit-deflate-frame, permessage-deflate"));
        assertTrue(answer("", "permessage-deflate, x-webkit-deflate-frame").startsWith("permessage-deflate"));
    }

    @Test
    void anIncompressibleMessageComesBackWholeThroughASmallWindow() throws Exception {
        // A small window grows random data by about 1%: every byte must still be sent.
        byte[] msg = new byte[100_000];
        new Random(11).nextBytes(msg);
        try (WireClient c = open(newId(), "compress", "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=9")) {
            c.sendFrame(true, RSV1, Frame.BINARY, CompressionTest.compress(msg));
            assertArrayEquals(msg, inflateWithWindow(9, c.readFrame().payload()), "the whole message, inflated");
        }
    }

    @Test
    void aDeflateStreamThatStopsInflatingClosesWith1002AsAClientError() throws Exception {
        // Once logged a WARN with a stack per connection ("cannot read uncompressed buffer").
        String id = newId();
        byte[] p = new byte[120];
        new Random(1).nextBytes(p);
        byte[] z = CompressionTest.compress("hello hello".getBytes(StandardCharsets.UTF_8));
        System.arraycopy(z, 0, p, 0, z.length);
        long before = io.corral.handshake.Unexpected.count();
        try (WireClient c = open(id, "compress", "Sec-WebSocket-Extensions: permessage-deflate")) {
            c.sendFrame(true, RSV1, Frame.TEXT, p);
            assertEquals(1002, c.readUntilClose().closeCode(), "a corrupt stream is the client's protocol error");
        }
        assertEquals(BADFRAME, terminateOf(id), "terminate {error, badframe}");
        assertEquals(before, io.corral.handshake.Unexpected.count(), "not counted as a server failure");
    }

    @Test
    void aCorruptDeflateStreamClosesWith1002() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "compress", "Sec-WebSocket-Extensions: permessage-deflate")) {
            c.sendFrame(true, RSV1, Frame.TEXT, new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3});
            assertEquals(1002, c.readUntilClose().closeCode(), "not a deflate stream: a protocol error");
        }
        assertEquals(BADFRAME, terminateOf(id), "terminate {error, badframe}");
    }
}
