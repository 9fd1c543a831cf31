package io.corral.handshake;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Cowboy's {@code request_timeout} (cowboy_http: set once when the connection starts, never reset by data): the
 * whole request must arrive within it. Sits in front of the HTTP decoder so it can tell whether the request line came
 * (the decoder says nothing until the headers are complete): without a request line the connection is closed, as
 * Cowboy closes it; with one, {@link HttpUpgradeHandler} answers 408 (cowboy_http:timeout/2). The upgrade handler
 * removes it once the request is complete.
 */
final class RequestTimeout extends ChannelInboundHandlerAdapter {
    /** Fired down the pipeline when the timer expires after the request line: answer 408. */
    static final Object EXPIRED = new Object() {
        @Override
        public String toString() {
            return "request_timeout";
        }
    };

    private final long millis;
    private ScheduledFuture<?> timer;
    private boolean requestLineSeen;
    private boolean nonEmptyLine;

    RequestTimeout(long millis) {
        this.millis = millis;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (millis == Long.MAX_VALUE) return;
        timer = ctx.executor().schedule(() -> expire(ctx), millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (timer != null) timer.cancel(false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!requestLineSeen && msg instanceof ByteBuf b) {
            // The request line ends at the first LF after a byte that is not CR or LF (empty lines before the
            // request line are skipped, RFC 9112 section 2.2).
            b.forEachByte(c -> {
                if (c == '\n') {
                    if (nonEmptyLine) requestLineSeen = true;
                    return !requestLineSeen;
                }
                if (c != '\r') nonEmptyLine = true;
                return true;
            });
        }
        ctx.fireChannelRead(msg);
    }

    private void expire(ChannelHandlerContext ctx) {
        if (ctx.isRemoved()) return;
        if (requestLineSeen) ctx.fireUserEventTriggered(EXPIRED);
        else ctx.close();
    }
}
