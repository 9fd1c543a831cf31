package io.corral.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CodecException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What reaches the connection when Netty's inflater gives up on a client's stream. */
class InflateErrorsTest {
    private static Throwable passedOn(Throwable cause) {
        List<Throwable> seen = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new InflateErrors(), new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable t) {
                seen.add(t);
            }
        });
        ch.pipeline().fireExceptionCaught(cause);
        ch.finishAndReleaseAll();
        assertEquals(1, seen.size(), "one error passed on");
        return seen.getFirst();
    }

    @Test
    void cannotReadUncompressedBufferBecomesAProtocolError() {
        Throwable t = passedOn(new DecoderException(new CodecException("cannot read uncompressed buffer")));
        CorruptedWebSocketFrameException e = assertInstanceOf(CorruptedWebSocketFrameException.class, t,
                "the connection closes it as a client's bad frame (1002), without a WARN stack");
        assertEquals(1002, e.closeStatus().code(), "protocol error");
    }

    @Test
    void otherErrorsPassUnchanged() {
        IllegalStateException bug = new IllegalStateException("a bug");
        assertSame(bug, passedOn(bug), "a server failure stays one");
    }
}
