package io.corral.transport;

import io.corral.connection.ServerContext;
import io.corral.handshake.HttpUpgradeHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.corral.config.ListenerSettings;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * One listener: a Netty server whose pipeline starts as an HTTP/1.1 codec and the upgrade handler; the upgrade handler
 * turns it into the WebSocket pipeline. Native epoll when available, NIO otherwise.
 */
public final class CorralServer implements AutoCloseable {
    private final EventLoopGroup boss;
    /** The worker loops when this server owns them, else null (the embedder closes them after the server). */
    private final IoLoops ownLoops;
    private final Channel channel;
    private final ServerContext context;

    private CorralServer(EventLoopGroup boss, IoLoops ownLoops, Channel channel, ServerContext context) {
        this.boss = boss;
        this.ownLoops = ownLoops;
        this.channel = channel;
        this.context = context;
    }

    /**
     * Binds and starts serving on event loops of its own; {@code threads} 0 means Netty's default (2 x cores). With
     * {@code tls} every connection starts with Netty's {@code SslHandler}: the HTTP codec and everything after it see
     * plaintext. {@code limits} are the listener's pre-upgrade limits.
     */
    public static CorralServer start(String bind, int port, int threads, SslContext tls, ServerContext context,
            ListenerSettings limits) throws InterruptedException {
        IoLoops loops = IoLoops.start(threads);
        try {
            return start(bind, port, loops, true, tls, context, limits);
        } catch (RuntimeException | InterruptedException e) {
            loops.close();
            throw e;
        }
    }

    /**
     * Binds and starts serving on {@code loops}, which the caller owns and closes after this server (the Erlang
     * distribution connections run on the same loops: {@link IoLoops}).
     */
    public static CorralServer start(String bind, int port, IoLoops loops, SslContext tls, ServerContext context,
            ListenerSettings limits) throws InterruptedException {
        return start(bind, port, loops, false, tls, context, limits);
    }

    private static CorralServer start(String bind, int port, IoLoops loops, boolean ownLoops, SslContext tls,
            ServerContext context, ListenerSettings limits) throws InterruptedException {
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, loops.ioHandlerFactory());
        EventLoopGroup workers = loops.group();
        AtomicInteger open = new AtomicInteger();
        try {
            Channel ch = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(loops.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    // A client's shutdown(SHUT_WR) is not the end of the connection: what the server owes it (the
                    // handler's answers, the close reply of RFC 6455 section 5.5.1) is still written, as Cowboy does;
                    // the handlers of each phase decide when to close (HttpUpgradeHandler, WsConnection).
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (tls != null) ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                            // ranch's max_connections, counted here rather than by pausing accept: a client over
                            // the limit gets a 503 at once instead of waiting in the backlog, and the limit is set
                            // below the open-file limit so accept() itself never runs out of descriptors.
                            if (open.incrementAndGet() > limits.maxConnections()) {
                                open.decrementAndGet();
                                ch.pipeline().addLast("http", new HttpServerCodec()).addLast("busy", new OverLimit());
                                return;
                            }
                            ch.closeFuture().addListener(f -> open.decrementAndGet());
                            // Netty's decoder bounds the request line and the header block (memory); the per-header
                            // limits are checked on what it decoded (HandshakeCheck.limits).
                            HttpDecoderConfig decoder = new HttpDecoderConfig()
                                    .setMaxInitialLineLength(limits.maxRequestLineLength())
                                    .setMaxHeaderSize(limits.maxHeaderBlockSize());
                            ch.pipeline()
                                    .addLast("request-timeout", HttpUpgradeHandler.requestTimeout(limits))
                                    .addLast("http", new HttpServerCodec(decoder));
                            // The demo's and examples' browser pages, answered before any upgrade handling.
                            if (!context.pages().isEmpty()) ch.pipeline().addLast("pages", new StaticPages(context.pages()));
                            ch.pipeline().addLast("upgrade", new HttpUpgradeHandler(context, limits));
                        }
                    })
                    .bind(bind, port).sync().channel();
            return new CorralServer(boss, ownLoops ? loops : null, ch, context);
        } catch (RuntimeException | InterruptedException e) {
            boss.shutdownGracefully();
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public ServerContext context() {
        return context;
    }

    /**
     * Graceful stop: stops accepting, tells every connection 1001 through its normal close path (terminate runs with
     * {@code shutdown}), waits up to {@code timeout} for the clients' close replies, then closes what is left and
     * stops the event loops.
     */
    public void drain(java.time.Duration timeout) {
        channel.close().syncUninterruptibly();
        context.drain();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (var c : List.copyOf(context.connections())) {
            long left = deadline - System.nanoTime();
            if (left <= 0) break;
            c.closeFuture().awaitUninterruptibly(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(left) + 1);
        }
        close();
    }

    /** Stops at once: closes every socket (a handler sees {@code {error, closed}}), then the event loops. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        for (var c : context.connections()) c.closeAbruptly();
        boss.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
        if (ownLoops != null) ownLoops.close();
    }

    /** A connection over max_connections: 503 with {@code retry-after}, written as soon as it is accepted, then closed. */
    private static final class OverLimit extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SERVICE_UNAVAILABLE);
            res.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0).set(HttpHeaderNames.CONNECTION, "close")
                    .set(HttpHeaderNames.RETRY_AFTER, 1).set(HttpHeaderNames.DATE, DateFormatter.format(new Date()))
                    .set(HttpHeaderNames.SERVER, "Corral");
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            io.netty.util.ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // the client went away before its 503: nothing to tell
        }
    }
}
