package io.corral.erlang;

import com.ericsson.otp.erlang.OtpAuthException;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangTuple;
import com.ericsson.otp.erlang.OtpServerTransport;
import com.ericsson.otp.erlang.OtpSocketTransport;
import com.ericsson.otp.erlang.OtpTransport;
import com.ericsson.otp.erlang.OtpTransportFactory;
import io.corral.transport.IoLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Distribution connections with these changes from JInterface's plain sockets:
 *
 * <ul>
 *   <li>on Netty channels, on the same event loops as the WebSocket connections ({@link DistTransport}): messages
 *       are read, decoded and delivered on the loop, and written from it without blocking, one flush per loop round
 *       (JInterface's blocking sockets needed a reader and a writer thread per connection);
 *   <li>MONITOR_P, DEMONITOR_P and MONITOR_P_EXIT are handed to {@code monitors} (stock JInterface treats them as
 *       garbage and drops the connection);
 *   <li>timeouts: a handshake must finish within {@link NodeSettings#handshakeTimeout()} (net_setuptime), and a
 *       connected node that sends nothing for {@link NodeSettings#tickTime()} is taken as down, as distribution's
 *       tick rule has it (erts ticks every quarter of net_ticktime when it has nothing else to send; JInterface
 *       answers ticks but never enforces them, so a hung node used to stay "connected" for ever);
 *   <li>inbound handshakes run each on a thread of its own ({@link #startAccepting}): JInterface's acceptor runs them
 *       one at a time while holding the node's connection table, so one idle socket on the distribution port held
 *       up every other node's connection, and every outgoing one;
 *   <li>the listener binds {@link NodeSettings#distBind()} (loopback by default), not every interface.
 * </ul>
 *
 * Connections to epmd get plain sockets: its protocol is not distribution framing.
 */
final class CorralTransportFactory implements OtpTransportFactory {

    /** Inbound handshakes in progress at once; past this a new socket is closed at once (and logged). */
    static final int MAX_PENDING_HANDSHAKES = 64;

    private final int epmdPort;
    private final InetAddress bind;
    private final int handshakeMillis;
    private final int tickMillis;
    private final Consumer<OtpErlangTuple> monitors;
    private final Semaphore pending = new Semaphore(MAX_PENDING_HANDSHAKES);
    private final IoLoops loops;
    private volatile Inbound inbound;

    CorralTransportFactory(NodeSettings settings, Consumer<OtpErlangTuple> monitors, IoLoops loops) {
        this.loops = loops;
        this.epmdPort = settings.epmdPort();
        this.bind = settings.distBind();
        this.handshakeMillis = (int) Math.min(Integer.MAX_VALUE, settings.handshakeTimeout().toMillis());
        this.tickMillis = (int) Math.min(Integer.MAX_VALUE, settings.tickTime().toMillis());
        this.monitors = monitors;
    }

    /** What the accept loop hands over: a socket past its TCP accept, and refusals with the peer's address. */
    interface Inbound {
        /** Runs the handshake on the calling thread and adds the connection. */
        void accept(OtpTransport transport) throws IOException, OtpAuthException;

        /** {@code nodeName} is null when the peer never sent one. */
        void refused(String address, String nodeName, Exception why);
    }

    @Override
    public OtpTransport createTransport(String addr, int port) throws IOException {
        if (port == epmdPort) return new OtpSocketTransport(addr, port);
        return connect(new InetSocketAddress(addr, port));
    }

    @Override
    public OtpTransport createTransport(InetAddress addr, int port) throws IOException {
        if (port == epmdPort) return new OtpSocketTransport(addr, port);
        return connect(new InetSocketAddress(addr, port));
    }

    private OtpTransport connect(InetSocketAddress to) throws IOException {
        DistTransport[] made = new DistTransport[1];
        ChannelFuture f = new Bootstrap()
                .group(loops.group())
                .channel(loops.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, handshakeMillis)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        made[0] = new DistTransport(ch, monitors, handshakeMillis, tickMillis);
                    }
                })
                .connect(to);
        f.awaitUninterruptibly();
        if (!f.isSuccess()) {
            f.channel().close();
            Throwable why = f.cause();
            throw why instanceof IOException io ? io : new IOException("cannot connect to " + to + ": " + why, why);
        }
        return made[0];
    }

    /**
     * The listener JInterface asks for: bound here, on the event loops ({@link #startAccepting} says what becomes of
     * each connection), while its {@code accept} only waits for {@code close} (JInterface's acceptor still publishes
     * the port to epmd and unpublishes it on close).
     */
    @Override
    public OtpServerTransport createServerTransport(int port) throws IOException {
        Channel listener;
        try {
            listener = new ServerBootstrap()
                    .group(loops.group())
                    .channel(loops.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 128)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            accepted(ch);
                        }
                    })
                    .bind(new InetSocketAddress(bind, port)).syncUninterruptibly().channel();
        } catch (RuntimeException e) { // Netty's sync() rethrows the bind's IOException undeclared
            throw e.getCause() instanceof IOException io ? io
                    : new IOException("cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
        CountDownLatch closed = new CountDownLatch(1);
        return new OtpServerTransport() {
            @Override
            public int getLocalPort() {
                return ((InetSocketAddress) listener.localAddress()).getPort();
            }

            @Override
            public OtpTransport accept() throws IOException {
                try {
                    closed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new SocketException("distribution listener closed");
            }

            @Override
            public void close() {
                closed.countDown();
                listener.close().syncUninterruptibly();
            }
        };
    }

    /** Says what becomes of each accepted connection: its handshake runs on a virtual thread of its own. */
    void startAccepting(Inbound inbound) {
        this.inbound = inbound;
    }

    /** A new inbound connection (event loop): its handshake on a virtual thread, or refused. */
    private void accepted(SocketChannel ch) {
        String address = String.valueOf(ch.remoteAddress());
        Inbound to = inbound;
        if (to == null) {
            ch.close();
            return;
        }
        if (!pending.tryAcquire()) {
            ch.close();
            to.refused(address, null, new IOException(MAX_PENDING_HANDSHAKES + " handshakes already in progress"));
            return;
        }
        DistTransport t = new DistTransport(ch, monitors, handshakeMillis, tickMillis);
        Thread.ofVirtual().name("corral-dist-handshake").start(() -> {
            HANDSHAKE_PEER.remove();
            try {
                to.accept(t);
            } catch (IOException | OtpAuthException | RuntimeException e) {
                t.close();
                to.refused(address, HANDSHAKE_PEER.get(), e);
            } finally {
                pending.release();
            }
        });
    }

    /**
     * What JInterface's handshake reads: the 2-byte-length handshake packets, each watched on the way through so a
     * failed handshake can say who the peer was, whether it refused our cookie (it closed right after our challenge
     * reply) or whether it went silent (net_setuptime). After the packet that ends the handshake ('r', we accepted;
     * 'a', we dialled) the event loop takes the connection's packets ({@link DistTransport}), and a read here only
     * waits for the connection to close: end of stream, or the reason it was closed.
     */
    static final class HandshakeInput extends InputStream {
        private final DataInputStream in;
        private final int handshakeMillis;
        private boolean handshake = true;
        private int handshakePackets;
        private boolean sawChallenge; // we connected, got the peer's challenge and answered it
        private String peerName;
        private byte[] packet = new byte[0];
        private int pos;

        HandshakeInput(InputStream in, int handshakeMillis) {
            this.in = new DataInputStream(in);
            this.handshakeMillis = handshakeMillis;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (pos >= packet.length && !next()) return -1;
            int n = Math.min(len, packet.length - pos);
            System.arraycopy(packet, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() {
            return packet.length - pos;
        }

        /** Reads the next handshake packet, length included; false at end of stream. */
        private boolean next() throws IOException {
            try {
                if (!handshake) { // only the close comes here now: the event loop reads the packets
                    if (in.read() < 0) return false;
                    throw new IOException("bytes after the handshake on the handshake's stream");
                }
                byte[] head = new byte[2];
                in.readFully(head);
                int len = ((head[0] & 0xff) << 8) | (head[1] & 0xff);
                byte[] body = new byte[len];
                in.readFully(body);
                handshakePacket(body);
                packet = new byte[2 + len];
                System.arraycopy(head, 0, packet, 0, 2);
                System.arraycopy(body, 0, packet, 2, len);
                pos = 0;
                return true;
            } catch (java.io.EOFException e) {
                if (handshake && sawChallenge) throw new CookieRejected(peerName);
                return false;
            } catch (SocketTimeoutException e) {
                String who = peerName == null ? "the peer" : peerName;
                throw new HandshakeTimeout(who + HANDSHAKE_TIMED_OUT + handshakeMillis + " ms");
            }
        }

        private void handshakePacket(byte[] b) {
            if (b.length == 0) return;
            handshakePackets++;
            switch (b[0]) {
                case 'a', 'r' -> handshake = false;
                case 'N' -> { // name (we accept) or challenge (we connect): flags 8, [challenge 4], creation 4, len 2
                    boolean challenge = handshakePackets > 1;
                    int at = 1 + 8 + (challenge ? 4 : 0) + 4;
                    if (b.length >= at + 2) {
                        int n = ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
                        if (b.length >= at + 2 + n) peerName = new String(b, at + 2, n, java.nio.charset.StandardCharsets.UTF_8);
                    }
                    if (challenge) sawChallenge = true;
                    else HANDSHAKE_PEER.set(peerName);
                }
                case 'n' -> { // old name: version 2, flags 4, name
                    if (handshakePackets == 1 && b.length > 7) {
                        peerName = new String(b, 7, b.length - 7, java.nio.charset.StandardCharsets.UTF_8);
                        HANDSHAKE_PEER.set(peerName);
                    } else {
                        sawChallenge = true;
                    }
                }
                default -> { }
            }
        }
    }

    /** The peer closed the handshake right after our challenge reply: it did not accept our cookie. */
    static final class CookieRejected extends IOException {
        CookieRejected(String peer) {
            super("the peer" + (peer == null ? "" : " " + peer) + " closed the handshake after our challenge reply");
        }
    }

    /** What a {@link HandshakeTimeout}'s message says after the peer's name. */
    static final String HANDSHAKE_TIMED_OUT = " did not finish the distribution handshake within ";

    /** The handshake did not finish in time (net_setuptime). */
    static final class HandshakeTimeout extends IOException {
        HandshakeTimeout(String message) {
            super(message);
        }
    }

    /** A connected node was silent past net_ticktime. */
    static final class TickTimeout extends IOException {
        TickTimeout(String message) {
            super(message);
        }
    }

    /**
     * The node name seen in the last handshake read on this thread. JInterface reports a failed incoming handshake
     * as coming from "unknown"; the acceptor thread that ran the handshake can still name it.
     */
    private static final ThreadLocal<String> HANDSHAKE_PEER = new ThreadLocal<>();

    static java.util.Optional<String> handshakePeer() {
        return java.util.Optional.ofNullable(HANDSHAKE_PEER.get());
    }

    static int tag(OtpErlangTuple ctl) {
        return ctl.elementAt(0) instanceof OtpErlangLong l ? (int) l.longValue() : -1;
    }
}
