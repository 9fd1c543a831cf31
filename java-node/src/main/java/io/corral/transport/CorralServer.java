package io.corral.transport;

import io.corral.connection.ServerContext;
import io.corral.handshake.HttpUpgradeHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;

/**
 * One listener: a Netty server whose pipeline starts as an HTTP/1.1 codec and the upgrade handler; the upgrade handler
 * turns it into the WebSocket pipeline. Native epoll when available, NIO otherwise.
 */
public final class CorralServer implements AutoCloseable {
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel channel;
    private final ServerContext context;

    private CorralServer(EventLoopGroup boss, EventLoopGroup workers, Channel channel, ServerContext context) {
        this.boss = boss;
        this.workers = workers;
        this.channel = channel;
        this.context = context;
    }

    /**
     * Binds and starts serving; {@code threads} 0 means Netty's default (2 x cores). With {@code tls} every connection
     * starts with Netty's {@code SslHandler}: the HTTP codec and everything after it see plaintext.
     */
    public static CorralServer start(String bind, int port, int threads, SslContext tls, ServerContext context)
            throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> serverChannel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, io);
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(threads, io);
        try {
            Channel ch = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(serverChannel)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (tls != null) ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                            ch.pipeline()
                                    .addLast("http", new HttpServerCodec())
                                    .addLast("upgrade", new HttpUpgradeHandler(context));
                        }
                    })
                    .bind(bind, port).sync().channel();
            return new CorralServer(boss, workers, ch, context);
        } catch (RuntimeException | InterruptedException e) {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public ServerContext context() {
        return context;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        for (var c : context.connections()) c.closeAbruptly();
        boss.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
