package io.corral.handshake;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CodecException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;

/**
 * Sits behind Netty's inflater: a compressed frame that does not inflate (Netty reports "cannot read uncompressed
 * buffer" as a {@code CodecException}) is the client's protocol error, passed on as one (close 1002,
 * {@code {error, badframe}}) so it is logged as an expected client error, not as a failure of the server.
 */
final class InflateErrors extends ChannelInboundHandlerAdapter {
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException && cause.getCause() instanceof CodecException inner
                && !(inner instanceof DecoderException)) {
            CorruptedWebSocketFrameException e = new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR,
                    "compressed frame does not inflate: " + inner.getMessage());
            ctx.fireExceptionCaught(e);
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
