package io.corral.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The load tools' hand-made wire work against netty-codec-http's: server frames encoded by Netty's own
 * {@link WebSocket08FrameEncoder} are parsed by {@link RawFrames.Parser} however the bytes are split, and client
 * frames made by {@link RawFrames#clientFrame} are decoded by Netty's server-side {@link WebSocket08FrameDecoder}
 * (which insists on a mask) to the payload they were made from.
 */
class RawFramesTest {

    /** What the parser saw of one frame. */
    private record Seen(int opcode, boolean fin, long length, int closeCode) {}

    /** Server frames as Netty's server encoder writes them (no mask), concatenated. */
    private static byte[] serverBytes(WebSocketFrame... frames) {
        EmbeddedChannel ch = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
        for (WebSocketFrame f : frames) ch.writeOutbound(f);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            out.writeBytes(ByteBufUtil.getBytes(b));
            b.release();
        }
        ch.finishAndReleaseAll();
        return out.toByteArray();
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + seed);
        return b;
    }

    /** Feeds the chunks one after another to one parser; every frame it ends, in order. Fails on ERROR. */
    private static List<Seen> parse(List<byte[]> chunks) {
        RawFrames.Parser p = new RawFrames.Parser();
        List<Seen> seen = new ArrayList<>();
        for (byte[] chunk : chunks) {
            ByteBuf in = Unpooled.wrappedBuffer(chunk);
            int r;
            while ((r = p.next(in)) == RawFrames.Parser.FRAME) {
                seen.add(new Seen(p.opcode(), p.fin(), p.length(), p.closeCode()));
            }
            assertEquals(RawFrames.Parser.NEED_MORE, r, "well-formed frames never give ERROR: " + p.error());
            assertEquals(0, in.readableBytes(), "NEED_MORE means every byte given was taken");
        }
        return seen;
    }

    private static List<byte[]> splitAt(byte[] all, int... cuts) {
        List<byte[]> out = new ArrayList<>();
        int from = 0;
        for (int c : cuts) {
            out.add(java.util.Arrays.copyOfRange(all, from, c));
            from = c;
        }
        out.add(java.util.Arrays.copyOfRange(all, from, all.length));
        return out;
    }

    /** The three length forms (7-bit, 16-bit, 64-bit) and a close frame, as one stream. */
    private static final List<Seen> MIXED = List.of(
            new Seen(RawFrames.OP_TEXT, true, 32, 0),
            new Seen(RawFrames.OP_BINARY, true, 300, 0),
            new Seen(RawFrames.OP_BINARY, true, 70_000, 0),
            new Seen(RawFrames.OP_CLOSE, true, 5, 1001));

    private static byte[] mixed() {
        return serverBytes(new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes(32, 1))),
                new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes(300, 2))),
                new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes(70_000, 3))),
                new CloseWebSocketFrame(1001, "bye"));
    }

    @Test
    void framesInOneReadAreAllFound() {
        assertEquals(MIXED, parse(List.of(mixed())));
    }

    @Test
    void aStreamSplitAtEveryByteBoundaryOfItsHeadersGivesTheSameFrames() {
        byte[] all = mixed();
        // Header boundaries: text 2 B, then 32 B payload; binary 300: 4 B header; binary 70,000: 10 B header; close.
        int textEnd = 2 + 32, bin300End = textEnd + 4 + 300, bin70kEnd = bin300End + 10 + 70_000;
        List<Integer> cuts = new ArrayList<>();
        for (int i = 1; i <= textEnd + 6; i++) cuts.add(i);
        for (int i = bin300End - 2; i <= bin300End + 12; i++) cuts.add(i);
        for (int i = bin70kEnd - 2; i < all.length; i++) cuts.add(i); // into the close code and its reason
        assertEquals(bin70kEnd + 2 + 5, all.length, "the stream is laid out as the cuts assume");
        for (int c : cuts) assertEquals(MIXED, parse(splitAt(all, c)), "split at byte " + c);
    }

    @Test
    void aStreamFedOneByteAtATimeGivesTheSameFrames() {
        byte[] all = mixed();
        List<byte[]> single = new ArrayList<>();
        for (byte b : all) single.add(new byte[] {b});
        assertEquals(MIXED, parse(single));
    }

    @Test
    void theLengthFormsAtTheirEdges() {
        for (int n : new int[] {0, 125, 126, 127, 65_535, 65_536}) {
            byte[] all = serverBytes(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes(n, n))));
            int header = n < 126 ? 2 : n <= 65_535 ? 4 : 10;
            assertEquals(header + n, all.length, n + " B: Netty's encoder used the length form the parser expects");
            assertEquals(List.of(new Seen(RawFrames.OP_BINARY, true, n, 0)), parse(List.of(all)), n + " B");
            assertEquals(List.of(new Seen(RawFrames.OP_BINARY, true, n, 0)),
                    parse(splitAt(all, 1, header - 1, header)), n + " B, header split");
        }
    }

    @Test
    void anEchoIsCheckedForOpcodeFinAndLength() {
        RawFrames.Parser p = new RawFrames.Parser();
        ByteBuf in = Unpooled.wrappedBuffer(serverBytes(new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes(32, 0))),
                new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes(31, 0))),
                new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes(32, 0)))));
        assertEquals(RawFrames.Parser.FRAME, p.next(in));
        assertNull(p.checkEcho(RawFrames.OP_TEXT, 32), "a whole 32 B text frame is the echo of a 32 B text message");
        assertEquals(RawFrames.Parser.FRAME, p.next(in));
        assertNotNull(p.checkEcho(RawFrames.OP_TEXT, 32), "31 B is not the echo of 32 B");
        assertEquals(RawFrames.Parser.FRAME, p.next(in));
        assertNotNull(p.checkEcho(RawFrames.OP_TEXT, 32), "binary is not the echo of text");
        assertNull(p.checkEcho(RawFrames.OP_BINARY, 32), "but it is the echo of binary");
    }

    @Test
    void aFragmentedEchoIsNotAnEcho() {
        RawFrames.Parser p = new RawFrames.Parser();
        ByteBuf in = Unpooled.wrappedBuffer(serverBytes(
                new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(bytes(16, 0))),
                new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(bytes(16, 0)))));
        assertEquals(RawFrames.Parser.FRAME, p.next(in));
        assertEquals(List.of(RawFrames.OP_TEXT, false, 16L), List.of(p.opcode(), p.fin(), p.length()));
        String why = p.checkEcho(RawFrames.OP_TEXT, 16);
        assertTrue(why != null && why.contains("FIN"), "a first fragment is not a whole echo: " + why);
        assertEquals(RawFrames.Parser.FRAME, p.next(in));
        assertEquals(RawFrames.OP_CONTINUATION, p.opcode());
        assertNotNull(p.checkEcho(RawFrames.OP_TEXT, 16), "a continuation is not an echo");
    }

    @Test
    void theServersCloseAndPingAreNotEchoes() {
        RawFrames.Parser p = new RawFrames.Parser();
        ByteBuf in = Unpooled.wrappedBuffer(serverBytes(new CloseWebSocketFrame(1009, "too big"),
                new PingWebSocketFrame(Unpooled.wrappedBuffer(bytes(4, 0))), new CloseWebSocketFrame(true, 0)));
        assertEquals(RawFrames.Parser.FRAME, p.next(in));
        assertEquals(RawFrames.OP_CLOSE, p.opcode());
        assertEquals(1009, p.closeCode(), "the close frame's status code is kept");
        String why = p.checkEcho(RawFrames.OP_TEXT, 32);
        assertTrue(why != null && why.contains("close") && why.contains("1009"), "said as a close: " + why);
        assertEquals(RawFrames.Parser.FRAME, p.next(in));
        assertEquals(RawFrames.OP_PING, p.opcode());
        assertNotNull(p.checkEcho(RawFrames.OP_TEXT, 4));
        assertEquals(RawFrames.Parser.FRAME, p.next(in));
        assertEquals(List.of(RawFrames.OP_CLOSE, 0, 0L), List.of(p.opcode(), p.closeCode(), p.length()),
                "a close without a body has no code");
    }

    @Test
    void anUnknownOpcodeIsAFrameButNotAnEcho() {
        RawFrames.Parser p = new RawFrames.Parser();
        ByteBuf in = Unpooled.wrappedBuffer(new byte[] {(byte) 0x83, 2, 'h', 'i', (byte) 0x81, 0});
        assertEquals(RawFrames.Parser.FRAME, p.next(in));
        assertEquals(3, p.opcode());
        assertNotNull(p.checkEcho(RawFrames.OP_TEXT, 2), "opcode 3 is not text");
        assertEquals(RawFrames.Parser.FRAME, p.next(in), "its payload was skipped: the next frame is found");
        assertEquals(List.of(RawFrames.OP_TEXT, 0L), List.of(p.opcode(), p.length()));
    }

    @Test
    void whatNoServerMaySendIsAnError() {
        byte[][] bad = {
            {(byte) 0xC1, 0}, // RSV1 set, no extension negotiated
            {(byte) 0x81, (byte) 0x82, 1, 2, 3, 4, 'h', 'i'}, // masked: a server's frames are not
            {(byte) 0x82, 127, (byte) 0x80, 0, 0, 0, 0, 0, 0, 1}, // a 64-bit length with its top bit set
        };
        for (byte[] b : bad) {
            RawFrames.Parser p = new RawFrames.Parser();
            assertEquals(RawFrames.Parser.ERROR, p.next(Unpooled.wrappedBuffer(b)), ByteBufUtil.hexDump(b));
            assertNotNull(p.error());
            assertEquals(RawFrames.Parser.ERROR, p.next(Unpooled.wrappedBuffer(new byte[] {(byte) 0x81, 0})),
                    "a broken stream stays broken");
        }
    }

    @Test
    void clientFramesDecodeWithNettysServerDecoderToTheirPayload() {
        for (int n : new int[] {0, 32, 125, 126, 16_384, 65_535, 65_536}) {
            byte[] payload = bytes(n, 7);
            EmbeddedChannel ch = new EmbeddedChannel(new WebSocket08FrameDecoder(WebSocketDecoderConfig.newBuilder()
                    .expectMaskedFrames(true).maxFramePayloadLength(1 << 20).build()));
            ch.writeInbound(Unpooled.wrappedBuffer(RawFrames.repeated(RawFrames.clientFrame(RawFrames.OP_BINARY,
                    payload), 3)));
            for (int i = 0; i < 3; i++) {
                WebSocketFrame f = ch.readInbound();
                assertTrue(f instanceof BinaryWebSocketFrame && f.isFinalFragment(), n + " B, copy " + i + ": " + f);
                assertArrayEquals(payload, ByteBufUtil.getBytes(f.content()), n + " B, copy " + i + ": unmasked");
                f.release();
            }
            assertNull(ch.readInbound(), "three copies, three frames");
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void theClientCloseCarriesItsCode() {
        EmbeddedChannel ch = new EmbeddedChannel(new WebSocket08FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(true).build()));
        ch.writeInbound(Unpooled.wrappedBuffer(RawFrames.clientClose(1000, "done")));
        CloseWebSocketFrame f = ch.readInbound();
        assertEquals(1000, f.statusCode());
        assertEquals("done", f.reasonText());
        f.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void theFixedKeyEarnsTheRfcsExampleAccept() {
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", RawFrames.acceptFor(RawFrames.FIXED_KEY),
                "RFC 6455 section 1.3: this key, this accept");
    }

    @Test
    void anUpgradeResponseIsCheckedAsNettysHandshakerChecksIt() {
        String accept = RawFrames.acceptFor(RawFrames.FIXED_KEY);
        String ok = "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n"
                + "sec-websocket-accept: " + accept;
        assertNull(RawFrames.checkUpgradeResponse(ok, accept), "header names in any case");
        assertNotNull(RawFrames.checkUpgradeResponse(ok.replace("101 Switching Protocols", "400 Bad Request"), accept));
        assertNotNull(RawFrames.checkUpgradeResponse(ok.replace(accept, "x" + accept.substring(1)), accept));
        assertNotNull(RawFrames.checkUpgradeResponse(ok.replace("upgrade: websocket\r\n", ""), accept));
        assertNotNull(RawFrames.checkUpgradeResponse(ok.replace("connection: Upgrade", "connection: close"), accept));
        assertNotNull(RawFrames.checkUpgradeResponse("HTTP/1.1 101 Switching Protocols", accept), "no headers");
    }
}
