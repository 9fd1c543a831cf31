package io.corral.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * The event loops of one Corral: the WebSocket connections and the Erlang distribution connections run on the same
 * threads, so a frame for an Erlang handler is written to its node, and the node's answer is read and written to
 * the client, without handing the work to another thread (with one event loop, as the benchmarks run, not at all).
 * Epoll where the platform has it, NIO otherwise.
 */
public final class IoLoops implements AutoCloseable {

    private final boolean epoll = Epoll.isAvailable();
    private final EventLoopGroup group;

    private IoLoops(int threads) {
        this.group = new MultiThreadIoEventLoopGroup(threads, ioHandlerFactory());
    }

    /** @return a factory for more loops of the same kind (a listener's accept loop) */
    public IoHandlerFactory ioHandlerFactory() {
        return epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    /**
     * Starts the loops.
     *
     * @param threads event loop threads; 0 means Netty's default (2 x cores)
     * @return the running loops
     */
    public static IoLoops start(int threads) {
        return new IoLoops(threads);
    }

    /** @return the event loops */
    public EventLoopGroup group() {
        return group;
    }

    /** @return the client socket channel class that fits these loops */
    public Class<? extends SocketChannel> socketChannel() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** @return the listening socket channel class that fits these loops */
    public Class<? extends ServerChannel> serverChannel() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** Stops the loops; every channel still on them is closed. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
