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

/**
 * Netty's RFC 6455 decoder (versions 7, 8 and 13 share one wire format) with Cowboy's close-frame rules: a 1-byte
 * close payload and a code outside 1000-1003, 1007-1011, 3000-4999 are protocol errors (1002), and the reason's UTF-8
 * is checked only when {@code validate_utf8} is on (COWBOY-SEMANTICS sections 11 and 13).
 */
final class CowboyFrameDecoder extends WebSocket08FrameDecoder {
    private final boolean validateUtf8;

    CowboyFrameDecoder(WebSocketDecoderConfig config, boolean validateUtf8) {
        super(config);
        this.validateUtf8 = validateUtf8;
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
