package io.corral.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/**
 * docs/contract/compression.md (permessage-deflate, RFC 7692), 2.latest column. The test compresses and decompresses
 * with java.util.zip itself: raw deflate (nowrap), each message ending in a sync flush whose 00 00 ff ff tail is
 * taken off on the wire and put back before inflating (RFC 7692 section 7.2.1-7.2.2).
 */
class CompressionTest extends EngineFixture {

    private static final String OFFER = "Sec-WebSocket-Extensions: permessage-deflate";
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};
    private static final int RSV1 = 4;

    static byte[] compress(byte[] data) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) out.write(buf, 0, n);
        d.end();
        byte[] all = out.toByteArray();
        if (!Arrays.equals(Arrays.copyOfRange(all, all.length - 4, all.length), TAIL)) {
            throw new AssertionError("a sync flush ends with 00 00 ff ff");
        }
        return Arrays.copyOf(all, all.length - 4);
    }

    /** One inflater per connection: the server keeps its context between messages (context takeover). */
    static byte[] decompress(Inflater inflater, byte[] payload) throws Exception {
        byte[] in = Arrays.copyOf(payload, payload.length + 4);
        System.arraycopy(TAIL, 0, in, payload.length, 4);
        inflater.setInput(in);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = inflater.inflate(buf)) > 0 || !inflater.needsInput()) out.write(buf, 0, n);
        return out.toByteArray();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void permessageDeflateIsNegotiatedWhenEnabledAndOffered() throws Exception {
        try (WireClient c = open(newId(), "compress", OFFER)) {
            String ext = c.handshake().header("sec-websocket-extensions");
            assertTrue(ext != null && ext.startsWith("permessage-deflate"), "the 101 accepts the offer: " + ext);
        }
    }

    @Test
    void permessageDeflateIsNotNegotiatedWhenTheHandlerDidNotEnableIt() throws Exception {
        try (WireClient c = open(newId(), "", OFFER)) {
            assertNull(c.handshake().header("sec-websocket-extensions"), "compress defaults to false");
        }
    }

    @Test
    void permessageDeflateIsNotNegotiatedWhenTheClientDidNotOfferIt() throws Exception {
        try (WireClient c = open(newId(), "compress")) {
            assertNull(c.handshake().header("sec-websocket-extensions"), "nothing offered, nothing accepted");
            c.sendText("plain");
            Frame f = c.readFrame();
            assertEquals(0, f.rsv(), "frames are not compressed");
            assertEquals("plain", f.text(), "echo");
        }
    }

    @Test
    void aCompressedMessageIsEchoedCompressed() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "compress", OFFER)) {
            Inflater inflater = new Inflater(true);
            for (String msg : new String[] {"hello hello hello compressed", "second message, same context"}) {
                c.sendFrame(true, RSV1, Frame.TEXT, compress(utf8(msg)));
                Frame f = c.readFrame();
                assertEquals(Frame.TEXT, f.opcode(), "text echo");
                assertEquals(RSV1, f.rsv(), "the echo is compressed (RSV1 set)");
                assertEquals(msg, new String(decompress(inflater, f.payload()), StandardCharsets.UTF_8),
                        "the echo inflates to the message");
            }
        }
        assertEquals("handle text hello hello hello compressed", Recorder.await(id, "handle"),
                "the handler sees the inflated text");
    }

    @Test
    void controlFramesAreNeverCompressed() throws Exception {
        try (WireClient c = open(newId(), "compress", OFFER)) {
            c.sendPing(utf8("p"));
            Frame pong = c.readFrame();
            assertEquals(Frame.PONG, pong.opcode(), "pong");
            assertEquals(0, pong.rsv(), "control frames are not compressed");
            c.sendText("stop");
            Frame close = c.readUntilClose();
            assertEquals(0, close.rsv(), "the close is not compressed");
            assertEquals(1000, close.closeCode(), "stop");
        }
    }

    @Test
    void deflateFalseSendsTheFollowingFramesUncompressed() throws Exception {
        try (WireClient c = open(newId(), "compress", OFFER)) {
            c.sendText("deflate false");
            Frame f = c.readFrame();
            assertEquals(0, f.rsv(), "after {deflate, false} RSV1 is clear");
            assertEquals("deflate false", f.text(), "and the payload is plain text");
            c.sendText("plain echo");
            Frame g = c.readFrame();
            assertEquals(0, g.rsv(), "still uncompressed");
            assertEquals("plain echo", g.text(), "plain text");
            c.sendText("deflate true");
            Frame h = c.readFrame();
            assertEquals(RSV1, h.rsv(), "{deflate, true} compresses again");
            assertEquals("deflate true", new String(decompress(new Inflater(true), h.payload()), StandardCharsets.UTF_8),
                    "the first compressed frame of the connection inflates on a fresh context");
        }
    }

    @Test
    void rsv1OnAContinuationFrameIsAProtocolErrorStricterThanCowboy217() throws Exception {
        // Corral follows RFC 7692 section 6.1 (RSV1 only on a message's first frame); Cowboy 2.17 accepts it.
        String id = newId();
        try (WireClient c = open(id, "compress", OFFER)) {
            byte[] z = compress(utf8("fragmented and compressed"));
            c.sendFrame(false, RSV1, Frame.TEXT, Arrays.copyOfRange(z, 0, 5));
            c.sendFrame(true, RSV1, Frame.CONTINUATION, Arrays.copyOfRange(z, 5, z.length));
            assertClosedWith(c, 1002, "", "RSV1 on a continuation frame");
        }
        assertEquals(BADFRAME, terminateOf(id), "terminate {error, badframe}");
    }

    @Test
    void rsv2IsAProtocolErrorEvenWithDeflateNegotiated() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "compress", OFFER)) {
            c.sendFrame(true, 2, Frame.TEXT, utf8("x"));
            assertClosedWith(c, 1002, "", "permessage-deflate defines RSV1 only");
        }
        assertEquals(BADFRAME, terminateOf(id), "terminate {error, badframe}");
    }

    @Test
    void aPingBetweenFragmentsOfACompressedMessageDoesNotCorruptIt() throws Exception {
        String id = newId();
        String msg = "a compressed message in two fragments with a ping in between";
        try (WireClient c = open(id, "compress", OFFER)) {
            byte[] z = compress(utf8(msg));
            int half = z.length / 2;
            c.sendFrame(false, RSV1, Frame.TEXT, Arrays.copyOfRange(z, 0, half));
            c.sendPing(utf8("between"));
            Frame pong = c.readFrame();
            assertEquals(Frame.PONG, pong.opcode(), "the ping is answered mid-message");
            assertEquals("between", pong.text(), "uncompressed pong payload");
            c.sendFrame(true, 0, Frame.CONTINUATION, Arrays.copyOfRange(z, half, z.length));
            Frame f = c.readFrame();
            assertEquals(RSV1, f.rsv(), "compressed echo");
            assertEquals(msg, new String(decompress(new Inflater(true), f.payload()), StandardCharsets.UTF_8),
                    "the message survived the ping");
        }
        assertEquals("handle ping between", Recorder.await(id, "handle"), "ping first");
        assertEquals("handle text " + msg, Recorder.await(id, "handle"), "then the whole message");
    }

    /** {@code n} bytes of text that compress well but not to nothing (line numbers vary). */
    private static byte[] edgeText(int n) {
        StringBuilder sb = new StringBuilder(n + 64);
        for (int i = 0; sb.length() < n; i++) sb.append("line ").append(i).append(" of a message at the edge\n");
        sb.setLength(n);
        return utf8(sb.toString());
    }

    @Test
    void aCompressedMessageInflatingToExactlyTheDefaultMaxFrameSizeIsEchoedAndOneByteMoreIs1009() throws Exception {
        // The inflate limit once refused messages inflating to 999,489-1,000,000 bytes under the 1,000,000 default:
        // the limit is the inflated size itself, not the size of the buffers it was inflated into.
        byte[] exactly = edgeText(1_000_000);
        try (WireClient c = open(newId(), "compress", OFFER)) {
            c.setReadTimeout(java.time.Duration.ofSeconds(30));
            c.sendFrame(true, RSV1, Frame.TEXT, compress(exactly));
            Frame f = c.readFrame();
            assertEquals(Frame.TEXT, f.opcode(), "1,000,000 inflated bytes are within max_frame_size: echoed, not closed");
            assertTrue(Arrays.equals(exactly, decompress(new Inflater(true), f.payload())), "echoed whole");
        }
        String id = newId();
        try (WireClient c = open(id, "compress", OFFER)) {
            c.sendFrame(true, RSV1, Frame.TEXT, compress(edgeText(1_000_001)));
            assertClosedWith(c, 1009, "", "1,000,001 inflated bytes are one over max_frame_size");
        }
        assertEquals(BADSIZE, terminateOf(id), "terminate {error, badsize}");
    }

    @Test
    void aCompressedFrameInflatingOverMaxFrameSizeClosesWith1009() throws Exception {
        String id = newId();
        try (WireClient c = open(id, "compress&max=1000", OFFER)) {
            byte[] z = compress(new byte[5000]);
            assertTrue(z.length < 1000, "5000 zero bytes compress to far less than 1000 bytes: " + z.length);
            c.sendFrame(true, RSV1, Frame.BINARY, z);
            assertClosedWith(c, 1009, "", "the inflated size counts against max_frame_size (2.13+)");
        }
        assertEquals(BADSIZE, terminateOf(id), "terminate {error, badsize}");
    }
}
