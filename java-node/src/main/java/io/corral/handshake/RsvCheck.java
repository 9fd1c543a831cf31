package io.corral.handshake;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;

/**
 * With compression negotiated the decoder lets every RSV bit through. RFC 7692 section 6 allows RSV1 on the first
 * frame of a data message only; RSV2 and RSV3 stay reserved. Cowboy 2.17 accepts RSV1 on a continuation frame;
 * Corral follows the RFC and closes with 1002. x-webkit-deflate-frame compresses each frame on its own, so there RSV1
 * may be set on any data frame; control frames are never compressed under either.
 */
final class RsvCheck extends ChannelInboundHandlerAdapter {
    private final boolean perMessage;

    RsvCheck(boolean perMessage) {
        this.perMessage = perMessage;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof WebSocketFrame f) {
            int rsv = f.rsv();
            boolean control = f instanceof PingWebSocketFrame || f instanceof PongWebSocketFrame
                    || f instanceof CloseWebSocketFrame;
            boolean bad = (rsv & ~WebSocketExtension.RSV1) != 0
                    || (rsv & WebSocketExtension.RSV1) != 0 && (perMessage && f instanceof ContinuationWebSocketFrame || control);
            if (bad) {
                f.release();
                throw new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR,
                        "RSV bits " + rsv + " not allowed on " + f.getClass().getSimpleName());
            }
        }
        ctx.fireChannelRead(msg);
    }
}
