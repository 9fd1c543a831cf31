package io.corral.erlang;

import com.ericsson.otp.erlang.CorralOtpNode;
import com.ericsson.otp.erlang.OtpCookedConnection;
import com.ericsson.otp.erlang.OtpErlangDecodeException;
import com.ericsson.otp.erlang.OtpErlangTuple;
import com.ericsson.otp.erlang.OtpTransport;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Erlang distribution connection on a Netty channel, on the same event loops as the WebSocket connections
 * ({@link io.corral.transport.IoLoops}).
 *
 * <p>JInterface runs the handshake over blocking streams, on the thread that dials or accepts: {@link #getInputStream}
 * is fed from the channel (through {@link CorralTransportFactory.HandshakeInput}, which names the peer and tells a
 * refused cookie and a handshake timeout), {@link #getOutputStream} writes to it. From the packet that ends the
 * handshake on, the channel's event loop frames the 4-byte-length packets itself and delivers each message from
 * there ({@link CorralOtpNode#receive}), once the connection is in the node's table ({@link #attach}); writes never
 * block, and a burst of them leaves in one flush at the end of the loop's round. JInterface's reader thread for the
 * connection still runs, but only waits for the channel to close and then reports the node down as it always did.
 *
 * <p>Written by hand because JInterface knows only blocking streams with a reader thread per connection (every frame
 * of an Erlang route crossed four threads: event loop, a writer thread, erl, JInterface's reader, event loop again)
 * and Netty has no codec for Erlang distribution; the term codec and the handshake stay JInterface's.
 */
final class DistTransport implements OtpTransport, CorralOtpNode.Attachable {

    private static final Logger log = LoggerFactory.getLogger(DistTransport.class);

    /** More handshake packets than a handshake has, unread: a peer flooding the handshake, closed. */
    private static final int MAX_HANDSHAKE_PACKETS = 16;
    private static final byte[] TICK = {0, 0, 0, 0};
    /** Packets up to this size are read into one reused array per connection; larger ones into their own. */
    private static final int PACKET_KEEP = 64 * 1024;

    private final Channel channel;
    private final EventLoop loop;
    private final BlockingInput raw;
    private final InputStream in;
    private final ChannelOutput out = new ChannelOutput();
    private final Frames frames = new Frames();
    private final Consumer<OtpErlangTuple> monitors;
    private final int tickMillis;
    private final String peerAddress;
    /** Where {@link #close} was first called from, for the line that reports the end of the connection. */
    private volatile Throwable closedHere;

    DistTransport(Channel channel, Consumer<OtpErlangTuple> monitors, int handshakeMillis, int tickMillis) {
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.monitors = monitors;
        this.tickMillis = tickMillis;
        this.raw = new BlockingInput(handshakeMillis);
        this.in = new CorralTransportFactory.HandshakeInput(raw, handshakeMillis);
        this.peerAddress = String.valueOf(channel.remoteAddress());
        channel.pipeline().addLast("dist", frames);
    }

    @Override
    public InputStream getInputStream() {
        return in;
    }

    @Override
    public OutputStream getOutputStream() {
        return out;
    }

    /** Whatever was written is flushed, then the channel is closed. */
    @Override
    public void close() {
        if (closedHere == null) closedHere = new Throwable("closed by this node");
        try {
            loop.execute(() -> {
                out.drainOffLoop();
                channel.flush();
                channel.close();
            });
        } catch (java.util.concurrent.RejectedExecutionException e) { // the loops are stopping: so is the channel
            channel.close();
        }
    }

    /** The connection is in the node's table: messages read from now on (and any held since the handshake) go to it. */
    @Override
    public void attach(OtpCookedConnection connection) {
        try {
            loop.execute(() -> frames.live(connection));
        } catch (java.util.concurrent.RejectedExecutionException e) { // the loops are stopping: so is the channel
            log.debug("distribution connection to {} not taken live: its event loop is shutting down", peerAddress);
            channel.close();
        }
    }

    /** The channel's bytes as a blocking stream, for JInterface's handshake and then for its reader thread's wait. */
    private static final class BlockingInput extends InputStream {
        private static final byte[] END = new byte[0];
        private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
        private final int handshakeMillis;
        private volatile boolean handshakeOver;
        private volatile IOException failure;
        private byte[] chunk = new byte[0];
        private int pos;

        BlockingInput(int handshakeMillis) {
            this.handshakeMillis = handshakeMillis;
        }

        void offer(byte[] b) {
            chunks.add(b);
        }

        int queued() {
            return chunks.size();
        }

        /** End of stream for the reader; {@code why} is thrown instead of the end when it is not null. */
        void end(IOException why) {
            if (why != null && failure == null) failure = why;
            chunks.add(END);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            while (pos >= chunk.length) {
                if (chunk == END) return end();
                byte[] next;
                try {
                    // During the handshake a read waits at most net_setuptime (as the socket's SO_TIMEOUT did);
                    // after it, the tick rule is the event loop's (Frames), and this read waits for the close.
                    next = handshakeOver ? chunks.take() : chunks.poll(handshakeMillis, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted");
                }
                if (next == null) throw new SocketTimeoutException("handshake read timed out");
                chunk = next;
                pos = 0;
                if (chunk == END) {
                    chunks.add(END); // for any later read
                    return end();
                }
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            return n;
        }

        private int end() throws IOException {
            IOException f = failure;
            if (f != null) throw f;
            return -1;
        }

        @Override
        public int available() {
            return chunk == END ? 0 : chunk.length - pos;
        }
    }

    /**
     * Frames the inbound bytes: 2-byte-length handshake packets handed to the blocking stream, up to and including
     * the one that ends the handshake ('a', we dialled; 'r', we accepted: the same rule as FilteringInput's); then,
     * held until {@link #live}, 4-byte-length distribution packets delivered here. A packet of length 0 is a tick,
     * answered as JInterface answers it. Silence past net_ticktime closes the connection (the tick rule).
     */
    private final class Frames extends ChannelInboundHandlerAdapter {
        private static final int HANDSHAKE = 0;
        private static final int HELD = 1;
        private static final int LIVE = 2;
        private int state = HANDSHAKE;
        private ByteBuf acc;
        /** The array distribution packets are read into (event loop only); grows up to PACKET_KEEP. */
        private byte[] packet = new byte[512];
        private OtpCookedConnection connection;
        private IOException why;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            acc = acc == null ? b : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), acc, b);
            try {
                process(ctx);
            } catch (OtpErlangDecodeException | RuntimeException e) {
                garbage(ctx, e);
            }
        }

        void live(OtpCookedConnection c) {
            if (state != HELD) return; // closed meanwhile
            connection = c;
            state = LIVE;
            ChannelHandlerContext ctx = channel.pipeline().context(this);
            try {
                process(ctx);
            } catch (OtpErlangDecodeException | RuntimeException e) {
                garbage(ctx, e);
                return;
            }
            channel.config().setAutoRead(true);
        }

        private void process(ChannelHandlerContext ctx) throws OtpErlangDecodeException {
            if (state == HANDSHAKE) handshake(ctx);
            if (state == LIVE) {
                while (acc != null && acc.readableBytes() >= 4) {
                    int len = acc.getInt(acc.readerIndex());
                    if (len < 0) throw new IllegalStateException("packet length " + Integer.toUnsignedString(len));
                    if (acc.readableBytes() - 4 < len) break;
                    acc.skipBytes(4);
                    if (len == 0) {
                        tock();
                        continue;
                    }
                    // One array for every packet up to PACKET_KEEP: receive decodes a message for a Corral pid
                    // at once and copies out one for a JInterface mailbox, so nothing keeps the array.
                    boolean reuse = len <= PACKET_KEEP;
                    byte[] packet = reuse ? packetBuffer(len) : new byte[len];
                    int base = acc.readerIndex();
                    acc.readBytes(packet, 0, len);
                    // A packet that may carry a large payload: the decoder may keep that payload as a retained
                    // slice of acc, written to the client's socket from there (BridgeAnswers). acc is never
                    // compacted here (its read bytes are not discarded), and a merge writes only behind its
                    // writer index or into a new buffer, so a slice's bytes stay as they are.
                    ByteBuf source = len >= EncodedEvents.SPLICE_MIN ? acc : null;
                    if (!CorralOtpNode.receive(connection, packet, len, reuse, monitors, source, base)) {
                        throw new IllegalStateException("not a distribution message");
                    }
                }
            }
            if (acc != null && !acc.isReadable()) {
                acc.release();
                acc = null;
            }
        }

        /**
         * Answers a tick with one, as JInterface does. Under the connection's lock, as every packet JInterface writes
         * (do_send): written without it, a tick could land between the header and the payload of a message that
         * another thread is writing.
         */
        private void tock() {
            synchronized (connection) {
                out.writeTick();
            }
        }

        private byte[] packetBuffer(int len) {
            if (packet.length < len) packet = new byte[Math.max(len, Math.min(PACKET_KEEP, 2 * packet.length))];
            return packet;
        }

        private void handshake(ChannelHandlerContext ctx) {
            while (acc != null && acc.readableBytes() >= 2) {
                int len = acc.getUnsignedShort(acc.readerIndex());
                if (acc.readableBytes() < 2 + len) return;
                byte[] packet = new byte[2 + len];
                acc.readBytes(packet);
                boolean last = len > 0 && (packet[2] == 'a' || packet[2] == 'r');
                // Before the packet is handed over: once JInterface has read the last one, the connection's reader
                // thread may start at once, and its wait for the close must not be a handshake read with a timeout.
                if (last) raw.handshakeOver = true;
                raw.offer(packet);
                if (raw.queued() > MAX_HANDSHAKE_PACKETS) {
                    throw new IllegalStateException(raw.queued() + " handshake packets unread");
                }
                if (last) {
                    // The peer sends its first message only once the handshake is over on its side; until the
                    // connection is in the table (live), nothing more is read, so the bytes held are bounded.
                    state = HELD;
                    channel.config().setAutoRead(false);
                    ctx.pipeline().addBefore(ctx.name(), "tick", new IdleStateHandler(tickMillis, 0, 0,
                            TimeUnit.MILLISECONDS));
                    return;
                }
            }
        }

        private void garbage(ChannelHandlerContext ctx, Exception e) {
            log.warn("Erlang node at {} sent what is not distribution protocol ({}): connection closed", peerAddress,
                    e.toString());
            fail(ctx, new IOException("Remote is sending garbage: " + e.getMessage(), e));
        }

        private void fail(ChannelHandlerContext ctx, IOException e) {
            if (why == null) why = e;
            ctx.close();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                String who = connection != null ? CorralOtpNode.peerName(connection) : peerAddress;
                // JInterface reports any read failure as "Remote has closed connection": say here why it was closed.
                log.warn("Erlang node {} sent nothing for {} ms (net_ticktime): taken as down, connection closed",
                        who, tickMillis);
                fail(ctx, new CorralTransportFactory.TickTimeout(who + " sent nothing for " + tickMillis
                        + " ms (net_ticktime)"));
            } else {
                ReferenceCountUtil.release(evt);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (acc != null) {
                acc.release();
                acc = null;
            }
            state = HELD; // a late live() finds nothing to do
            String who = connection != null ? CorralOtpNode.peerName(connection) : peerAddress;
            if (why == null && closedHere == null) log.info("Erlang node {} closed the distribution connection", who);
            else if (why == null) log.debug("distribution connection to {} closed by this node", who, closedHere);
            raw.end(why);
            out.closed();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A reset or a failed write: the peer is gone; the reader reports the connection down (JInterface
            // calls every such end "Remote has closed connection": say here what it was). Once: every write still
            // queued when the peer reset fails the same way (a node killed mid-flood gave one line per frame).
            if (why == null) log.info("Distribution connection to {} failed: {}", connection != null
                    ? CorralOtpNode.peerName(connection) : peerAddress, cause.toString());
            fail(ctx, cause instanceof IOException io ? io : new IOException(cause));
        }
    }

    /**
     * Writes to the channel without blocking. On the event loop a write goes to the channel at once; from another
     * thread (the handshake, the ticker, a writer waiting for a connection) it is queued and moved to the channel by
     * the loop, and every write made on the loop moves the queue first, so bytes leave in the order they were
     * written. Flushes are gathered: one per loop round, after everything written in it.
     */
    private final class ChannelOutput extends OutputStream implements CorralOtpNode.WriteCounter,
            CorralOtpNode.SplicingOutput {
        private final Queue<ByteBuf> offLoop = new ConcurrentLinkedQueue<>();
        private final Runnable moveAndFlush = this::moveAndFlush;
        private final Runnable flush = this::flushNow;
        private boolean flushScheduled; // event loop only
        private volatile boolean closed;
        private long written; // under this

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) return;
            if (closed || !channel.isOpen()) throw new EOFException("distribution connection closed");
            ByteBuf buf = channel.alloc().buffer(len).writeBytes(b, off, len);
            written += len;
            if (loop.inEventLoop()) {
                drainOffLoop();
                channel.write(buf, channel.voidPromise());
                scheduleFlush();
            } else {
                offLoop.add(buf);
                moveOnLoop();
            }
        }

        /**
         * Off the loop: the loop moves what was queued to the channel. A loop that is shutting down refuses it (the
         * server stops, and the channel with it): what is queued is released, and the writer is told the connection
         * closed, as it is by a write after the close.
         */
        private void moveOnLoop() throws EOFException {
            try {
                loop.execute(moveAndFlush);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                log.debug("write to {} dropped: the distribution connection's event loop is shutting down", peerAddress);
                closed();
                throw new EOFException("distribution connection closed (its event loop is shutting down)");
            }
        }

        /**
         * One packet in pieces: the encoded bytes between the spliced buffers are copied into buffers of their own
         * (a few dozen bytes: the length, the SEND head, the event term up to a binary's length), each spliced
         * buffer written on this channel's loop goes out as a retained duplicate of itself, so the channel's
         * gathering write sends a large payload from the buffer it came in without copying it. The pieces are written one after the other under this
         * lock, as {@link #write(byte[], int, int)} writes one piece, so they stay in order and together.
         */
        @Override
        public synchronized void writeSpliced(byte[] bytes, int length, ByteBuf[] spliced, int[] at, int n)
                throws IOException {
            if (closed || !channel.isOpen()) throw new EOFException("distribution connection closed");
            boolean onLoop = loop.inEventLoop();
            if (onLoop) drainOffLoop();
            int from = 0;
            for (int i = 0; i <= n; i++) {
                int to = i < n ? at[i] : length;
                if (to > from) {
                    put(channel.alloc().buffer(to - from).writeBytes(bytes, from, to - from), onLoop);
                    written += to - from;
                }
                from = to;
                if (i < n) {
                    ByteBuf b = spliced[i];
                    written += b.readableBytes();
                    // On this channel's loop the buffer itself goes out. From another loop (a connection on another
                    // event loop) it is copied here, as the array path did: that loop's buffers kept until this
                    // loop writes and releases them showed as RSS spikes of up to 120 MiB under FloodTest's
                    // floods, where the copy does not (the payload is still not copied into an array first).
                    put(onLoop ? b.retainedDuplicate()
                            : channel.alloc().buffer(b.readableBytes()).writeBytes(b, b.readerIndex(), b.readableBytes()),
                            onLoop);
                }
            }
            if (onLoop) scheduleFlush();
            else moveOnLoop();
        }

        private void put(ByteBuf b, boolean onLoop) {
            if (onLoop) channel.write(b, channel.voidPromise());
            else offLoop.add(b);
        }

        void writeTick() {
            try {
                write(TICK, 0, TICK.length);
            } catch (IOException e) {
                // closing: the reader reports it
            }
        }

        @Override
        public synchronized long written() {
            return written;
        }

        @Override
        public void flush() {
            // The write already asked for a flush at the end of the loop's round.
        }

        void closed() {
            closed = true;
            ByteBuf b;
            while ((b = offLoop.poll()) != null) b.release();
        }

        /** Event loop only. */
        void drainOffLoop() {
            ByteBuf b;
            while ((b = offLoop.poll()) != null) {
                if (closed) b.release();
                else channel.write(b, channel.voidPromise());
            }
        }

        private void moveAndFlush() {
            drainOffLoop();
            scheduleFlush();
        }

        private void scheduleFlush() {
            if (flushScheduled) return;
            flushScheduled = true;
            loop.execute(flush);
        }

        private void flushNow() {
            flushScheduled = false;
            drainOffLoop();
            channel.flush();
        }
    }
}
