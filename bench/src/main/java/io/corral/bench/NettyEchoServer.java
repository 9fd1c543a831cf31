package io.corral.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;

/**
 * The baseline: a plain Netty WebSocket echo server built only from netty-codec-http's own handlers, configured as
 * Corral's server is (same transport, same thread count, TCP_NODELAY, UTF-8 validation on, 1 MB frame limit, no
 * compression). The echo writes each text or binary frame back as is (retained, no copy) and flushes once per read
 * batch, the idiomatic Netty way; {@code --flush-each} flushes every frame instead, for comparison.
 *
 * <pre>java io.corral.bench.NettyEchoServer PORT [--threads N] [--bind ADDR] [--flush-each]</pre>
 */
public final class NettyEchoServer implements AutoCloseable {
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel channel;

    private NettyEchoServer(EventLoopGroup boss, EventLoopGroup workers, Channel channel) {
        this.boss = boss;
        this.workers = workers;
        this.channel = channel;
    }

    public static NettyEchoServer start(String bind, int port, int threads, boolean flushEach) throws InterruptedException {
        return start(bind, port, threads, flushEach, null);
    }

    /**
     * With {@code tls}, every connection starts with Netty's SslHandler built by Corral's own {@code Tls} (the same
     * engine, protocols and ALPN as {@code corral serve --tls-cert}), so a TLS run compares like with like.
     */
    public static NettyEchoServer start(String bind, int port, int threads, boolean flushEach,
            io.netty.handler.ssl.SslContext tls) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> serverChannel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, io);
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(threads, io);
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/echo")
                .checkStartsWith(false)
                .maxFramePayloadLength(1_000_000)
                .withUTF8Validator(true)
                .build();
        ChannelHandler echo = new Echo(flushEach);
        try {
            Channel ch = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(serverChannel)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (tls != null) ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                            ch.pipeline()
                                    .addLast(new HttpServerCodec())
                                    .addLast(new HttpObjectAggregator(65536))
                                    .addLast(new WebSocketServerProtocolHandler(config))
                                    .addLast(echo);
                        }
                    })
                    .bind(bind, port).sync().channel();
            return new NettyEchoServer(boss, workers, ch);
        } catch (RuntimeException | InterruptedException e) {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        boss.shutdownGracefully();
        workers.shutdownGracefully().syncUninterruptibly();
    }

    /** Writes text and binary frames back; the protocol handler already answers pings and closes. */
    @ChannelHandler.Sharable
    public static final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
        private final boolean flushEach;

        public Echo(boolean flushEach) {
            super(false); // the frame is handed to write(), which releases it
            this.flushEach = flushEach;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
                if (flushEach) ctx.writeAndFlush(frame);
                else ctx.write(frame);
            } else {
                frame.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: NettyEchoServer PORT [--threads N] [--bind ADDR] [--flush-each] [--tls-cert F --tls-key F]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        int threads = 0;
        String bind = "127.0.0.1";
        boolean flushEach = false;
        String cert = null, key = null;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--tls-cert" -> cert = args[++i];
                case "--tls-key" -> key = args[++i];
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--bind" -> bind = args[++i];
                case "--flush-each" -> flushEach = true;
                default -> {
                    System.err.println("NettyEchoServer: unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        io.netty.handler.ssl.SslContext tls = cert == null ? null : io.corral.transport.Tls.build(
                io.corral.config.TlsSettings.builder(java.nio.file.Path.of(cert), java.nio.file.Path.of(key)).build()).sslContext();
        NettyEchoServer server = start(bind, port, threads, flushEach, tls);
        // The same line as `corral serve`, so the harness waits for both the same way.
        System.out.println("netty-echo: listening on ws://" + bind + ":" + server.port() + "/echo");
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        server.channel.closeFuture().sync();
    }
}
