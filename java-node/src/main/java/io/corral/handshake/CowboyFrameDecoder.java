package io.corral.handshake;

import io.corral.api.CloseStatus;
import io.netty.buffer.ByteBuf;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Netty's RFC 6455 decoder (versions 7, 8 and 13 share one wire format) with Cowboy's close-frame rules: a 1-byte
 * close payload and a code outside 1000-1003, 1007-1011, 3000-4999 are protocol errors (1002), and the reason's UTF-8
 * is checked only when {@code validate_utf8} is on (docs/contract/frames.md, protocol errors and UTF-8).
 */
final class CowboyFrameDecoder extends WebSocket08FrameDecoder {
    private final boolean validateUtf8;
    /**
     * The connection's current max_frame_size. Netty's own limit is fixed at construction, but Cowboy 2.13+ lets
     * {@code set_options} raise it as well as lower it (docs/contract/frames.md, commands.md), so the declared length
     * is checked here against the live value, before any payload is buffered, as Cowboy does on the header.
     */
    private LongSupplier maxFrameSize;
    /** True when the next byte Netty's decoder reads is the first byte of a frame. */
    private boolean atFrameStart = true;

    CowboyFrameDecoder(WebSocketDecoderConfig config, boolean validateUtf8, LongSupplier maxFrameSize) {
        super(config);
        this.validateUtf8 = validateUtf8;
        this.maxFrameSize = maxFrameSize;
    }

    /** Reads the limit from {@code source} from now on (the connection, once it exists). */
    void limitFrom(LongSupplier source) {
        maxFrameSize = source;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (atFrameStart) {
            long declared = declaredLength(in);
            if (declared == -1) return; // header incomplete: wait, nothing consumed
            if (declared > maxFrameSize.getAsLong()) {
                in.skipBytes(in.readableBytes());
                throw new CorruptedWebSocketFrameException(WebSocketCloseStatus.MESSAGE_TOO_BIG,
                        "frame of " + declared + " bytes over max_frame_size " + maxFrameSize.getAsLong());
            }
            atFrameStart = false;
        }
        int before = out.size();
        super.decode(ctx, in, out);
        // Netty's decoder emits at most one frame per call; once it has, it waits for the next header.
        if (out.size() > before) atFrameStart = true;
    }

    /** The payload length the frame header at the reader index declares, or -1 when the header is not all here. */
    private static long declaredLength(ByteBuf in) {
        if (in.readableBytes() < 2) return -1;
        int i = in.readerIndex();
        int len1 = in.getByte(i + 1) & 0x7f;
        if (len1 < 126) return len1;
        if (len1 == 126) return in.readableBytes() < 4 ? -1 : in.getUnsignedShort(i + 2);
        if (in.readableBytes() < 10) return -1;
        long l = in.getLong(i + 2);
        return l < 0 ? 0 : l; // a negative length is Netty's protocol error to report
    }

    @Override
    protected void checkCloseFrameBody(ChannelHandlerContext ctx, ByteBuf buffer) {
        if (buffer == null || !buffer.isReadable()) return;
        if (buffer.readableBytes() < 2) {
            throw new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR, "close payload of 1 byte");
        }
        int code = buffer.getUnsignedShort(buffer.readerIndex());
        if (!CloseStatus.isValidRemote(code)) {
            throw new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR, "invalid close code " + code);
        }
        if (validateUtf8 && buffer.readableBytes() > 2) {
            try {
                StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(buffer.nioBuffer(buffer.readerIndex() + 2, buffer.readableBytes() - 2));
            } catch (CharacterCodingException e) {
                throw new CorruptedWebSocketFrameException(WebSocketCloseStatus.INVALID_PAYLOAD_DATA,
                        "invalid UTF-8 in close reason");
            }
        }
    }
}
