package io.corral.handshake;

import com.jcraft.jzlib.GZIPException;
import com.jcraft.jzlib.JZlib;
import io.corral.api.DeflateOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Compresses outgoing data frames for permessage-deflate (RFC 7692 section 7.2.1: one deflate stream per message,
 * sync-flushed, its 00 00 ff ff tail removed at the message's end, RSV1 on the first frame) and for
 * x-webkit-deflate-frame (each frame compressed and trimmed the same way, RSV1 on each), with the negotiated window,
 * context takeover and the handler's {@code deflate_opts} level, mem_level and strategy.
 *
 * <p>Hand-written, with JZlib's deflater, because Netty's encoders cannot do it: the JDK's {@code Deflater} has no
 * window or memLevel, and Netty's {@code JZlibEncoder} sizes its output for 0.1% growth and drops the rest of an
 * incompressible frame (a small window grows random data by about 1%). zlib's {@code rle} strategy has no JZlib
 * counterpart and compresses as {@code default}; the client inflates either the same.
 */
final class DeflateEncoder extends MessageToMessageEncoder<WebSocketFrame> {
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    private final boolean perMessage;
    private final boolean noContextTakeover;
    private final int windowBits;
    private final DeflateOptions options;
    /** False while the handler has compression switched off ({@code {deflate, false}}). */
    private final BooleanSupplier enabled;
    private com.jcraft.jzlib.Deflater z;
    /** Whether the message being sent is compressed (decided on its first frame). */
    private boolean compressing;
    private byte[] out = new byte[1024];

    DeflateEncoder(boolean perMessage, boolean noContextTakeover, int windowBits, DeflateOptions options,
            BooleanSupplier enabled) {
        this.perMessage = perMessage;
        this.noContextTakeover = noContextTakeover;
        this.windowBits = windowBits;
        this.options = options;
        this.enabled = enabled;
    }

    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame
                || msg instanceof ContinuationWebSocketFrame;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> result) throws Exception {
        boolean first = !(frame instanceof ContinuationWebSocketFrame);
        if (first || !perMessage) compressing = enabled.getAsBoolean();
        if (!compressing) {
            result.add(frame.retain());
            return;
        }
        if (z == null) z = newDeflater();
        byte[] input = ByteBufUtil.getBytes(frame.content());
        ByteBuf payload = ctx.alloc().buffer(input.length / 2 + 16);
        try {
            z.setInput(input, 0, input.length, false);
            do {
                z.setOutput(out, 0, out.length);
                int r = z.deflate(JZlib.Z_SYNC_FLUSH);
                if (r != JZlib.Z_OK && r != JZlib.Z_BUF_ERROR) throw new IllegalStateException("deflate failed: " + r);
                payload.writeBytes(out, 0, out.length - z.avail_out);
                if (z.avail_out == 0 && out.length < 65536) out = new byte[out.length * 2];
            } while (z.avail_in > 0 || z.avail_out == 0);
            boolean fin = frame.isFinalFragment();
            if (!perMessage || fin) {
                if (endsWithTail(payload)) payload.writerIndex(payload.writerIndex() - TAIL.length);
                // RFC 7692 section 7.2.3.6: an empty message is sent as a single empty deflate block.
                if (!payload.isReadable()) payload.writeByte(0);
            }
            int rsv = frame.rsv() | (!perMessage || first ? WebSocketExtension.RSV1 : 0);
            result.add(switch (frame) {
                case TextWebSocketFrame t -> new TextWebSocketFrame(fin, rsv, payload);
                case BinaryWebSocketFrame b -> new BinaryWebSocketFrame(fin, rsv, payload);
                default -> new ContinuationWebSocketFrame(fin, rsv, payload);
            });
            payload = null;
            if (fin && noContextTakeover) end();
        } finally {
            if (payload != null) payload.release();
        }
    }

    private static boolean endsWithTail(ByteBuf b) {
        int n = b.writerIndex();
        if (b.readableBytes() < TAIL.length) return false;
        for (int i = 0; i < TAIL.length; i++) if (b.getByte(n - TAIL.length + i) != TAIL[i]) return false;
        return true;
    }

    private com.jcraft.jzlib.Deflater newDeflater() throws GZIPException {
        com.jcraft.jzlib.Deflater d = new com.jcraft.jzlib.Deflater(options.level(), windowBits, options.memLevel(),
                JZlib.WrapperType.NONE);
        int strategy = switch (options.strategy()) {
            case "filtered" -> JZlib.Z_FILTERED;
            case "huffman_only" -> JZlib.Z_HUFFMAN_ONLY;
            default -> JZlib.Z_DEFAULT_STRATEGY;
        };
        if (strategy != JZlib.Z_DEFAULT_STRATEGY) d.params(options.level(), strategy);
        return d;
    }

    private void end() {
        if (z != null) {
            z.end();
            z = null;
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        end();
    }
}
