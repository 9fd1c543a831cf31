package io.corral.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A server on loopback that answers the load tools the way a test scripts it: a Netty WebSocket server whose answer
 * to each data frame is a lambda's ({@link #websocket}), or a raw one that answers the upgrade request's head with
 * given bytes ({@link #raw}), so the tools' failure checks can be driven with wrong answers on real sockets.
 */
final class ScriptedServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;

    private ScriptedServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /** netty-codec-http's server handshake and frame codec on /echo; {@code onFrame} owns each data frame it gets. */
    static ScriptedServer websocket(BiConsumer<ChannelHandlerContext, WebSocketFrame> onFrame)
            throws InterruptedException {
        return start(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(65536))
                        .addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                .websocketPath("/echo").maxFramePayloadLength(1 << 20).build()))
                        .addLast(new SimpleChannelInboundHandler<WebSocketFrame>(false) {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
                                onFrame.accept(ctx, frame);
                            }

                            @Override
                            public void channelReadComplete(ChannelHandlerContext ctx) {
                                ctx.flush();
                            }
                        });
            }
        });
    }

    /** Reads the request head up to its blank line and writes back what {@code answer} makes of it, then waits. */
    static ScriptedServer raw(Function<String, byte[]> answer) throws InterruptedException {
        return raw(answer, 0);
    }

    /**
     * As {@link #raw(Function)}, and closes the connection once the client has sent {@code closeAfter} bytes after
     * its request head (0: never).
     */
    static ScriptedServer raw(Function<String, byte[]> answer, int closeAfter) throws InterruptedException {
        return start(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    private final StringBuilder head = new StringBuilder();
                    private boolean answered;
                    private int after;

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf in = (ByteBuf) msg;
                        try {
                            if (!answered) {
                                head.append(in.toString(StandardCharsets.ISO_8859_1));
                                int end = head.indexOf("\r\n\r\n");
                                if (end < 0) return;
                                answered = true;
                                after = head.length() - end - 4;
                                ctx.writeAndFlush(Unpooled.wrappedBuffer(answer.apply(head.substring(0, end))));
                            } else {
                                after += in.readableBytes();
                            }
                            if (closeAfter > 0 && after >= closeAfter) ctx.close();
                        } finally {
                            in.release();
                        }
                    }
                });
            }
        });
    }

    private static ScriptedServer start(ChannelInitializer<SocketChannel> init) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel ch = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class).childHandler(init)
                    .bind("127.0.0.1", 0).sync().channel();
            return new ScriptedServer(group, ch);
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully();
            throw e;
        }
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully().syncUninterruptibly();
    }
}
