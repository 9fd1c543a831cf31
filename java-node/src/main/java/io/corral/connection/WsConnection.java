package io.corral.connection;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.corral.api.CloseStatus;
import io.corral.api.Command;
import io.corral.api.Connection;
import io.corral.api.DataFrame;
import io.corral.api.Frame;
import io.corral.api.HandlerOptions;
import io.corral.api.TerminateReason;
import io.corral.api.Term;
import io.corral.config.FlowLimits;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection state machine: one per upgraded socket, always on its channel's event loop. Frames from Netty's
 * decoder, Erlang messages and timers come in as events; the {@link HandlerSession} answers with commands, which
 * this class alone carries out. Mirrors {@code cowboy_websocket}'s loop (docs/contract/).
 */
public final class WsConnection extends ChannelInboundHandlerAdapter implements SessionContext, ConnectionProcess.Target {

    private static final Logger log = LoggerFactory.getLogger(WsConnection.class);

    private enum Phase {
        /** After the 101, before websocket_init answered: reading is off. */
        STARTING,
        OPEN,
        /**
         * The engine ended the session (a close from the client, a protocol error, the idle timeout) while a remote
         * handler still owed answers to earlier events: reading is off, the close waits behind those answers.
         */
        CLOSING,
        /** The session ended; the socket is closing and every further event is dropped. */
        CLOSED
    }

    private final Channel channel;
    private final HandlerSession session;
    private final ConnectionStats stats;
    private final ConnectionProcess process;
    private final ProcessBinding binding;
    private final Connection handle;

    private Phase phase = Phase.STARTING;
    /** Everything written, in Cowboy's order: engine writes wait behind a remote handler's pending answers. */
    private final OutputSequence output = new OutputSequence();
    /** The handler's terminate ran, or a remote handler was told to run it. */
    private boolean terminated;
    private ScheduledFuture<?> answerTimer;
    /** Backpressure (docs/contract/seam.md): what a remote handler has not answered yet, and the send timeout. */
    /** The route's limits and water marks, one object shared by the route's connections (one field here). */
    private final RouteFlow flow;
    private long inFlightBytes;
    private ScheduledFuture<?> sendTimer;
    private long idleTimeoutNanos;
    private long maxFrameSize;
    /** Read by the deflate encoder's filter, on this event loop. */
    private boolean deflate = true;
    private boolean active = true;
    /** Inside a read batch or one Erlang message: what they produce is flushed together, once, at their end. */
    private boolean inRead;
    private Term shutdownReason;
    /** Drain: the 1001 is out and the socket waits for the client's close reply. */
    private boolean awaitingCloseReply;
    /** The client half-closed TCP (its FIN came in): nothing more is read, what is owed is still written. */
    private boolean inputShut;

    private long lastClientDataNanos;
    private ScheduledFuture<?> idleTimer;

    /**
     * The client frame whose payload a Java handler is lent during {@link HandlerSession#handleData}, and that
     * payload, or null: an echo of it ({@code frame.retain()}) goes out as this same frame object.
     */
    private WebSocketFrame lentFrame;
    private ByteBuf lentPayload;

    /** Reassembly of a fragmented message (RFC 6455 section 5.4). */
    private ByteBuf fragments;
    private boolean fragmentsAreText;

    public WsConnection(Channel channel, HandlerSession session, HandlerOptions options, RouteFlow flow,
            ConnectionProcess process, ConnectionStats stats) {
        this.flow = flow;
        this.channel = channel;
        this.session = session;
        this.stats = stats;
        this.idleTimeoutNanos = toNanos(options.idleTimeoutMillis());
        this.maxFrameSize = options.maxFrameSize();
        this.process = process;
        this.binding = process.binding();
        this.handle = process.connection();
    }

    /** The water marks in force on this connection's channel (its route's {@link RouteFlow}). */
    public WriteBufferWaterMark writeBufferWaterMark() {
        return channel.config().getWriteBufferWaterMark();
    }

    /** The pid this connection is known by, or null without an Erlang node. */
    public OtpErlangPid pid() {
        return binding.pid();
    }

    public ConnectionStats stats() {
        return stats;
    }

    /** The current max_frame_size ({@code set_options} may change it); read by the frame decoder, on this event loop. */
    public long maxFrameSize() {
        return maxFrameSize;
    }

    /** Whether the deflate extension should compress the next outgoing frame ({@code {deflate, Bool}}). */
    public boolean deflateEnabled() {
        return deflate;
    }

    /**
     * Starts the session once the 101 is written and this handler is in the pipeline: websocket_init runs, and reading
     * starts only after its commands ran, so an {@code {active, false}} from it is in force before the first frame
     * (docs/contract/commands.md).
     */
    public void start(ByteBuf dataSentWithUpgrade) {
        channel.config().setAutoRead(false);
        channel.config().setWriteBufferWaterMark(flow.waterMark()); // the route's, shared by its connections
        lastClientDataNanos = System.nanoTime();
        armIdleTimer();
        session.websocketInit(this);
        // Messages that reached the pid before the upgrade come after websocket_init, as in Cowboy's mailbox.
        process.attach(this);
        if (phase == Phase.CLOSED) {
            if (dataSentWithUpgrade != null) dataSentWithUpgrade.release();
            return;
        }
        phase = Phase.OPEN;
        if (dataSentWithUpgrade != null) {
            if (dataSentWithUpgrade.isReadable()) {
                channel.pipeline().fireChannelRead(dataSentWithUpgrade);
                channel.pipeline().fireChannelReadComplete();
            } else {
                dataSentWithUpgrade.release();
            }
        }
        updateReading();
    }

    /**
     * The client's FIN came in before the upgrade was done (the request, its frames and the half-close in one go):
     * the session starts, its early frames are handled, then the input shutdown is handled as if it came now.
     */
    public void start(ByteBuf dataSentWithUpgrade, boolean inputAlreadyShut) {
        start(dataSentWithUpgrade);
        if (inputAlreadyShut) onInputShutdown();
    }

    /**
     * The one place that turns reading on and off: open, {@code {active, true}}, a remote handler not owing answers
     * for more than {@link FlowLimits#maxInFlightBytes} (it always gets at least one event), and the client taking
     * what is sent to it. Reading off is TCP backpressure: the client's sends block once the socket buffers fill,
     * as with Cowboy, which reads the next frame only after the handler answered the last one.
     */
    private void updateReading() {
        channel.config().setAutoRead(phase == Phase.OPEN && active && inFlightBytes <= flow.limits().maxInFlightBytes()
                && channel.isWritable());
    }

    /**
     * Netty's water marks: past {@link FlowLimits#sendBufferBytes} queued the connection stops reading and the send
     * timeout runs; if the client has not taken enough to get below half of it when the timeout fires, the
     * connection is closed (ranch's send_timeout with send_timeout_close).
     */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (phase != Phase.CLOSED) {
            if (channel.isWritable()) {
                if (sendTimer != null) sendTimer.cancel(false);
                sendTimer = null;
            } else if (sendTimer == null) {
                sendTimer = channel.eventLoop().schedule(this::sendTimeout, flow.limits().sendTimeoutMillis(), TimeUnit.MILLISECONDS);
            }
            if (phase == Phase.OPEN) updateReading();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void sendTimeout() {
        sendTimer = null;
        if (phase != Phase.CLOSED && !channel.isWritable()) abandon();
    }

    /**
     * The client does not take what is sent to it: terminate gets {@code {error, timeout}} (what ranch's send
     * returns), the queued output is dropped and TCP is closed; no close frame, which could not pass the queue.
     */
    private void abandon() {
        log.debug("closing {}: the client took nothing for {} ms", channel, flow.limits().sendTimeoutMillis());
        endNow(new TerminateReason.Error("timeout"), false);
        channel.close();
    }

    /** Bytes of client frames handed to a remote handler and not answered yet, for tests. */
    long inFlightBytes() {
        return inFlightBytes;
    }

    // ---------------------------------------------------------------- events from the socket

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (phase == Phase.CLOSED) {
                if (awaitingCloseReply && frame instanceof CloseWebSocketFrame reply) {
                    ByteBuf c = reply.content();
                    stats.closeReceived(c.readableBytes() >= 2 ? c.getUnsignedShort(c.readerIndex()) : ConnectionStats.NO_STATUS);
                    channel.close();
                }
                return;
            }
            // While the session's close waits for earlier answers frames are not looked at: Cowboy stops parsing at
            // the close frame or the protocol error.
            if (phase == Phase.CLOSING) return;
            // Once per read batch: the idle timeout counts from the last read of client data, and a batch is read at
            // one instant (a clock read per frame was measurable at small frames).
            if (!inRead) lastClientDataNanos = System.nanoTime();
            stats.frameIn(frame.content().readableBytes());
            inRead = true;
            onFrame(frame);
        } finally {
            // The payload was lent to the handler for its callback (HandlerSession.handleData); what it kept or
            // sent it retained. A handler that released the lent buffer itself already crashed its connection.
            if (frame.refCnt() > 0) frame.release();
        }
    }

    /** End of a read batch: one flush for every reply the batch produced, one send of every event it queued. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        inRead = false;
        session.flush();
        ctx.flush();
    }

    private void onFrame(WebSocketFrame frame) {
        switch (frame) {
            case TextWebSocketFrame t -> onDataFrame(t, true);
            case BinaryWebSocketFrame b -> onDataFrame(b, false);
            case ContinuationWebSocketFrame c -> onContinuation(c);
            case PingWebSocketFrame p -> {
                // The pong goes out before the handler sees the ping (section 12), after the answers to every
                // earlier event: two pings in one read give pong, reply, pong, reply as in Cowboy.
                byte[] payload = ByteBufUtil.getBytes(p.content());
                output.append(() -> write(Frame.pong(payload)));
                session.handle(Frame.ping(payload), this);
            }
            case PongWebSocketFrame p -> session.handle(Frame.pong(ByteBufUtil.getBytes(p.content())), this);
            case CloseWebSocketFrame c -> onClientClose(c);
            default -> endSession(TerminateReason.BADFRAME);
        }
    }

    private void onDataFrame(WebSocketFrame frame, boolean text) {
        int size = frame.content().readableBytes();
        if (size > maxFrameSize) {
            endSession(TerminateReason.BADSIZE);
            return;
        }
        if (frame.isFinalFragment()) {
            ByteBuf payload = frame.content();
            lentFrame = frame;
            lentPayload = payload;
            try {
                session.handleData(payload, text, this);
            } finally {
                lentFrame = null;
                lentPayload = null;
            }
            return;
        }
        // One buffer for the whole message, grown as fragments come (Cowboy keeps one binary): memory held is
        // within a factor of two of the payload however small the fragments are.
        fragments = channel.alloc().buffer(Math.max(size, 64));
        fragments.writeBytes(frame.content());
        fragmentsAreText = text;
    }

    private void onContinuation(ContinuationWebSocketFrame frame) {
        if (fragments == null) { // the decoder checks this too; kept for decoders that do not
            endSession(TerminateReason.BADFRAME);
            return;
        }
        if ((long) fragments.readableBytes() + frame.content().readableBytes() > maxFrameSize) {
            endSession(TerminateReason.BADSIZE);
            return;
        }
        fragments.writeBytes(frame.content());
        if (frame.isFinalFragment()) {
            ByteBuf whole = fragments;
            fragments = null;
            try {
                session.handleData(whole, fragmentsAreText, this);
            } finally {
                if (whole.refCnt() > 0) whole.release();
            }
        }
    }

    private void onClientClose(CloseWebSocketFrame close) {
        ByteBuf c = close.content();
        stats.closeReceived(c.readableBytes() >= 2 ? c.getUnsignedShort(c.readerIndex()) : ConnectionStats.NO_STATUS);
        if (!c.isReadable()) {
            endSession(TerminateReason.REMOTE);
            return;
        }
        int code = c.getUnsignedShort(c.readerIndex());
        if (!CloseStatus.isValidRemote(code)) {
            endSession(TerminateReason.BADFRAME);
            return;
        }
        byte[] reason = new byte[c.readableBytes() - 2];
        c.getBytes(c.readerIndex() + 2, reason);
        endSession(new TerminateReason.RemoteClose(code, reason));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (phase == Phase.CLOSED || phase == Phase.CLOSING) return;
        TerminateReason reason = switch (cause) {
            case CorruptedWebSocketFrameException e -> switch (e.closeStatus().code()) {
                case CloseStatus.INVALID_PAYLOAD -> TerminateReason.BADENCODING;
                case CloseStatus.MESSAGE_TOO_BIG -> TerminateReason.BADSIZE;
                default -> TerminateReason.BADFRAME;
            };
            // Netty's inflater stops at maxAllocation: the inflated message is over max_frame_size.
            case DecompressionException e when e.getMessage() != null && e.getMessage().contains("maximum size") ->
                    TerminateReason.BADSIZE;
            case DecompressionException e -> TerminateReason.BADFRAME;
            case IOException e -> new TerminateReason.Error(e.getMessage() == null ? "closed" : socketErrorName(e));
            default -> {
                // counted, so the frame fuzzer can tell that nothing it sent reached this branch
                io.corral.handshake.Unexpected.report(log, "unexpected error on " + channel + ", closing it", cause);
                yield TerminateReason.BADFRAME;
            }
        };
        endSession(reason);
    }

    private static String socketErrorName(IOException e) {
        String m = e.getMessage().toLowerCase();
        if (m.contains("reset")) return "econnreset";
        if (m.contains("broken pipe")) return "epipe";
        if (m.contains("timed out")) return "etimedout";
        return "closed";
    }

    /**
     * The client half-closed TCP (shutdown(SHUT_WR); the listener allows half-closure). Its side is done sending, but
     * the socket can still carry what the server owes it: RFC 6455 section 5.5.1, the endpoint answers a close frame
     * with a close frame, and Cowboy, which reads the FIN as {@code tcp_closed} only after the frames before it, writes
     * the handler's answers to those frames and the close reply first. So: with a close frame received the session is
     * already ending (the close reply waits in the output sequence, bounded by {@link #ANSWER_WAIT}) and closes the
     * socket once it is written; without one, the session ends as for a socket closed by the peer ({@code {error,
     * closed}}, no close frame: {@code cowboy_websocket:loop/3} on {@code tcp_closed}), behind what is owed.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            onInputShutdown();
            return;
        }
        if (evt instanceof ChannelInputShutdownReadComplete) return; // nothing more is read: handled at the event above
        ctx.fireUserEventTriggered(evt);
    }

    private void onInputShutdown() {
        if (inputShut) return;
        inputShut = true;
        switch (phase) {
            case STARTING, OPEN -> {
                endSession(TerminateReason.CLOSED);
                channel.flush();
            }
            case CLOSING -> { } // the close waits behind the answers; endNow closes the socket after it
            case CLOSED -> {
                // The close frame (or the drain's 1001, whose reply will not come) is queued or out: close once it is.
                channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                boundClose();
            }
        }
    }

    /**
     * A client that half-closed and does not take what is still queued for it would hold the socket open for as long
     * as it does not read: it is closed at the send timeout at the latest, queued output or not.
     */
    private void boundClose() {
        if (!channel.isOpen()) return;
        channel.eventLoop().schedule(() -> {
            if (channel.isOpen()) {
                log.debug("closing {}: half-closed, and the client took nothing for {} ms", channel, flow.limits().sendTimeoutMillis());
                channel.close();
            }
        }, flow.limits().sendTimeoutMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // Nothing can be written any more: no waiting for answers.
        if (phase != Phase.CLOSED) endNow(TerminateReason.CLOSED, false);
        releaseFragments();
        ctx.fireChannelInactive();
    }

    // ---------------------------------------------------------------- idle timeout (section 9)

    private static long toNanos(long millis) {
        return millis == HandlerOptions.INFINITY ? Long.MAX_VALUE : TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /**
     * One timer per connection, re-armed only when it fires: client data just moves {@link #lastClientDataNanos}.
     * It fires at exactly T after the last client data (Cowboy 2.13+ fires between T and T + T/10).
     */
    private void armIdleTimer() {
        if (idleTimer != null) idleTimer.cancel(false);
        idleTimer = null;
        if (idleTimeoutNanos == Long.MAX_VALUE) return;
        long due = lastClientDataNanos + idleTimeoutNanos - System.nanoTime();
        idleTimer = channel.eventLoop().schedule(this::idleCheck, Math.max(due, 0), TimeUnit.NANOSECONDS);
    }

    private void idleCheck() {
        idleTimer = null;
        if (phase == Phase.CLOSED || phase == Phase.CLOSING) return;
        if (System.nanoTime() - lastClientDataNanos >= idleTimeoutNanos) endSession(TerminateReason.TIMEOUT);
        else armIdleTimer();
    }

    // ---------------------------------------------------------------- commands (section 16)

    @Override
    public void apply(List<Command> commands, boolean hibernate) {
        int next = 0;
        try {
            if (phase == Phase.CLOSED) return;
            while (next < commands.size()) {
                if (phase == Phase.CLOSED) return; // a write found the client not reading (abandon)
                applyOne(commands.get(next++));
                if (phase == Phase.CLOSED) return;
            }
            // hibernate: Cowboy's has no wire effect; a connection here holds no per-callback memory to give back.
            if (!inRead) channel.flush();
        } finally {
            // A DataFrame in a result is Corral's to release (DataFrame, rule 2): the ones never written are here.
            releaseData(commands, next);
        }
    }

    @Override
    public void send(ByteBuf content, boolean text) {
        if (phase == Phase.CLOSED) {
            content.release(); // Corral's to release, as a DataFrame in a result is (DataFrame, rule 2)
            return;
        }
        write(content, text);
        if (phase != Phase.CLOSED && !inRead) channel.flush();
    }

    /** One command; a close or stop ends the session (the caller then drops the rest of the list). */
    private void applyOne(Command command) {
        switch (command) {
            case Frame.Close close -> {
                // A close ends the list: frames after it are dropped (section 6), and so is every event after
                // the one answered: Cowboy would not have parsed them.
                write(close);
                endNow(TerminateReason.STOP, false);
            }
            case Frame frame -> write(frame);
            case DataFrame data -> write(data.content(), data.isText());
            case Command.Stop stop -> {
                write(Frame.close(CloseStatus.NORMAL));
                endNow(TerminateReason.STOP, false);
            }
            case Command.Active a -> {
                active = a.active();
                if (phase == Phase.OPEN) updateReading();
            }
            case Command.Deflate d -> deflate = d.deflate();
            case Command.SetOptions o -> {
                if (o.maxFrameSize() != null) maxFrameSize = o.maxFrameSize();
                if (o.idleTimeoutMillis() != null) {
                    idleTimeoutNanos = toNanos(o.idleTimeoutMillis());
                    // Cowboy restarts its tick counter: the new timeout counts from now.
                    lastClientDataNanos = System.nanoTime();
                    armIdleTimer();
                }
            }
            case Command.ShutdownReason r -> shutdownReason = r.reason();
        }
    }

    @Override
    public OutputSequence.Slot later(long bytes) {
        OutputSequence.Slot slot = output.open();
        slot.bytes = bytes;
        inFlightBytes += bytes;
        if (inFlightBytes > flow.limits().maxInFlightBytes() && phase == Phase.OPEN) updateReading();
        return slot;
    }

    @Override
    public void answer(OutputSequence.Slot slot, List<Command> commands, boolean hibernate, TerminateReason.Crash crash) {
        boolean wasOver = inFlightBytes > flow.limits().maxInFlightBytes();
        inFlightBytes -= slot.bytes;
        slot.bytes = 0;
        if (wasOver && phase == Phase.OPEN) updateReading();
        if (output.startHead(slot)) {
            // In order, nothing before it: run at once (no closure per answer).
            try {
                carryOutAnswer(commands, hibernate, crash);
            } finally {
                output.endHead();
            }
        } else if (!output.fill(slot, new HeldAnswer(commands, hibernate, crash))) {
            releaseData(commands, 0); // dropped (the session ended): never written
        }
        if (phase == Phase.CLOSING || phase == Phase.CLOSED) return;
        if (!inRead) channel.flush();
    }

    /** An answer waiting for its turn; one that never gets it gives back its {@link DataFrame}s' buffers. */
    private final class HeldAnswer implements OutputSequence.Droppable {
        private final List<Command> commands;
        private final boolean hibernate;
        private final TerminateReason.Crash crash;

        HeldAnswer(List<Command> commands, boolean hibernate, TerminateReason.Crash crash) {
            this.commands = commands;
            this.hibernate = hibernate;
            this.crash = crash;
        }

        @Override
        public void run() {
            carryOutAnswer(commands, hibernate, crash);
        }

        @Override
        public void dropped() {
            releaseData(commands, 0);
        }
    }

    /**
     * A DataFrame in a result or answer is Corral's to release (DataFrame, rule 2): those from {@code from} on. Also
     * for the Erlang route's answers dropped before they reach a connection (io.corral.erlang.BridgeAnswers).
     */
    public static void releaseData(List<? extends Command> commands, int from) {
        for (int i = from; i < commands.size(); i++) {
            if (commands.get(i) instanceof DataFrame d) d.release();
        }
    }

    /** A remote handler's answer to one event, at its turn in the output: its commands, then its crash if any. */
    private void carryOutAnswer(List<Command> commands, boolean hibernate, TerminateReason.Crash crash) {
        apply(commands, hibernate);
        if (crash != null) crash(crash.cls(), crash.cause());
    }

    private void write(Frame frame) {
        WebSocketFrame out = switch (frame) {
            case Frame.Text t -> new TextWebSocketFrame(Unpooled.wrappedBuffer(t.bytes()));
            case Frame.Binary b -> new BinaryWebSocketFrame(Unpooled.wrappedBuffer(b.bytes()));
            case Frame.Ping p -> new PingWebSocketFrame(controlPayload(p.bytes()));
            case Frame.Pong p -> new PongWebSocketFrame(controlPayload(p.bytes()));
            case Frame.Close c -> {
                stats.closeSent(c.code() == Frame.Close.NO_CODE ? ConnectionStats.NO_STATUS : c.code());
                yield new CloseWebSocketFrame(true, 0, closePayload(c));
            }
        };
        writeOut(out);
    }

    /**
     * A handler's zero-copy frame ({@link DataFrame}'s buffer and kind): its buffer goes to the encoder as it is, and
     * the socket releases it once written.
     */
    private void write(ByteBuf b, boolean text) {
        WebSocketFrame in = lentFrame;
        if (b == lentPayload && in.rsv() == 0 && text == (in instanceof TextWebSocketFrame)) {
            // The echo of the frame being handled: that frame object goes out, as plain Netty's echo writes the
            // frame it read (one object less per message). It holds the same buffer, so the reference the handler
            // took is still the one the socket releases. Once: a second copy in the list gets a frame of its own.
            lentFrame = null;
            lentPayload = null;
            writeOut(in);
            return;
        }
        writeOut(text ? new TextWebSocketFrame(b) : new BinaryWebSocketFrame(b));
    }

    private void writeOut(WebSocketFrame out) {
        stats.frameOut(out.content().readableBytes());
        channel.write(out);
        // A handler that keeps sending to a client that does not read: the send timeout would let the queue grow
        // for its whole length, so four send buffers is a hard limit.
        if (!channel.isWritable() && channel.bytesBeforeWritable() + flow.limits().sendBufferBytes() / 2 > 4 * flow.limits().sendBufferBytes() && phase != Phase.CLOSED) {
            abandon();
        }
    }

    /** Control frames carry at most 125 bytes (RFC 6455 section 5.5); a handler asking for more has a bug. */
    private static ByteBuf controlPayload(byte[] bytes) {
        if (bytes.length > 125) throw new IllegalArgumentException("control frame payload over 125 bytes: " + bytes.length);
        return Unpooled.wrappedBuffer(bytes);
    }

    private static ByteBuf closePayload(Frame.Close c) {
        if (c.code() == Frame.Close.NO_CODE) return Unpooled.EMPTY_BUFFER;
        if (c.reason().length > 123) throw new IllegalArgumentException("close reason over 123 bytes: " + c.reason().length);
        // Any 16-bit code goes out as given: Cowboy does not check what a handler sends.
        ByteBuf b = Unpooled.buffer(2 + c.reason().length);
        b.writeShort(c.code());
        b.writeBytes(c.reason());
        return b;
    }

    @Override
    public void crash(String cls, Object reason) {
        if (phase == Phase.CLOSED) return;
        log.debug("handler crashed on {}: {} {}", channel, cls, reason);
        stats.crashed();
        // A crash is an answer (or a node gone): it is at the head of the output, so it closes now.
        endNow(new TerminateReason.Crash(cls, reason), true);
    }

    @Override
    public void die(Object exitReason) {
        if (phase == Phase.CLOSED) return;
        phase = Phase.CLOSED;
        output.clear();
        cancelTimers();
        releaseFragments();
        process.exit(Terms.exitReason(exitReason));
        // What was written before the process died goes out (Cowboy wrote each answer as it came), then TCP closes
        // without a close frame.
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public Connection connection() {
        return handle;
    }

    // ---------------------------------------------------------------- the end

    /**
     * The engine ends the session (the client's close, a protocol error, the idle timeout, an oversized frame): its
     * close frame takes its place behind the answers a remote handler still owes for earlier events, so whatever the
     * handler returned for them is written first, as in Cowboy. A remote handler is told to terminate right away, in
     * the same batch as those events, so its terminate runs after it saw them. A handler that never answers is
     * bounded: the close goes out {@link #ANSWER_WAIT} after the end at the latest.
     */
    private void endSession(TerminateReason reason) {
        if (phase == Phase.CLOSED || phase == Phase.CLOSING) return;
        if (output.openSlots() == 0) {
            endNow(reason, true);
            return;
        }
        phase = Phase.CLOSING;
        updateReading();
        cancelTimers();
        releaseFragments();
        runTerminate(reason);
        session.flush();
        answerTimer = channel.eventLoop().schedule(() -> endNow(reason, true), ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        output.append(() -> endNow(reason, true));
    }

    /**
     * How long an ending session waits at most for a remote handler's answers to the events before its close: the
     * time erlang-bridge is given to answer an init. A handler that never answers is thus bounded by the idle timeout
     * (no client data while reading is off) plus this wait. erlang-bridge sends a batch's answers together, so a
     * callback that never returns also holds back the answers of the events before it in its batch.
     */
    static final Duration ANSWER_WAIT = Duration.ofSeconds(15);

    /**
     * Sends the close frame for {@code reason} (when {@code sendClose}), closes the socket, runs terminate, ends the
     * process; nothing queued behind this point is written. Cowboy does not wait for the client's close reply
     * (section 6).
     */
    private void endNow(TerminateReason reason, boolean sendClose) {
        if (phase == Phase.CLOSED) return;
        phase = Phase.CLOSED;
        output.clear();
        cancelTimers();
        releaseFragments();
        Frame.Close close = sendClose ? CloseCodes.closeFrameFor(reason) : null;
        if (close != null && channel.isActive()) write(close);
        runTerminate(reason);
        OtpErlangObject exit = switch (reason) {
            case TerminateReason.Crash c -> Terms.crashExitReason(c);
            default -> shutdownReason == null ? new OtpErlangAtom("normal")
                    : new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangAtom("shutdown"), shutdownReason.raw()});
        };
        process.exit(exit);
        if (awaitingCloseReply && !inputShut) {
            // Draining: the close frame goes out now; the client's reply (or the drain timeout) closes the socket.
            channel.flush();
            channel.config().setAutoRead(true);
            return;
        }
        // The socket closes last, once the close frame is out: the process ended first, so nothing that closing
        // sets off can overtake the terminate sent to a remote handler.
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        if (inputShut) boundClose();
    }

    private void runTerminate(TerminateReason reason) {
        if (terminated) return;
        terminated = true;
        try {
            session.terminate(reason, this);
        } catch (RuntimeException e) {
            log.warn("terminate raised on {}", channel, e);
        }
    }

    private void cancelTimers() {
        if (idleTimer != null) idleTimer.cancel(false);
        idleTimer = null;
        if (answerTimer != null) answerTimer.cancel(false);
        answerTimer = null;
        if (sendTimer != null) sendTimer.cancel(false);
        sendTimer = null;
    }

    private void releaseFragments() {
        if (fragments != null) {
            fragments.release();
            fragments = null;
        }
    }

    /**
     * The server drains: the session ends through its normal close path with {@link TerminateReason#SHUTDOWN} (close
     * 1001, terminate), and the socket stays open for the client's close reply (RFC 6455 section 7.1.1: the server
     * should be the one to close TCP after the closing handshake), which closes it; the listener's drain timeout
     * closes it otherwise ({@link #closeAbruptly}). Any thread.
     */
    public void shutdown() {
        channel.eventLoop().execute(() -> {
            if (phase == Phase.CLOSED) return;
            awaitingCloseReply = true;
            endSession(TerminateReason.SHUTDOWN);
        });
    }

    public io.netty.channel.ChannelFuture closeFuture() {
        return channel.closeFuture();
    }

    /** The event loop this connection runs on (tests read its state there). */
    io.netty.channel.EventLoop eventLoop() {
        return channel.eventLoop();
    }

    /** Bytes of buffer held for the fragmented message being reassembled (its capacity), for tests. */
    int fragmentBytesHeld() {
        return fragments == null ? 0 : fragments.capacity();
    }

    /** How many buffers hold the fragmented message being reassembled, for tests. */
    int fragmentBuffersHeld() {
        if (fragments == null) return 0;
        return fragments instanceof io.netty.buffer.CompositeByteBuf c ? c.numComponents() : 1;
    }

    /** Server shutdown: the socket is closed; the handler sees {@code {error, closed}}. */
    public void closeAbruptly() {
        channel.close();
    }

    // ---------------------------------------------------------------- the process side

    @Override
    public void onMessage(OtpErlangObject message) {
        onInfo(Term.of(message));
    }

    private void onInfo(Term message) {
        if (phase == Phase.CLOSED) {
            // A remote handler's late answer may hold payload buffers (io.corral.erlang.BridgeAnswers): given back.
            io.netty.util.ReferenceCountUtil.release(message.raw());
            return;
        }
        // One message from erlang-bridge carries the answers to a whole batch of events: they are written as one
        // flush, as the replies of one read batch are (a flush per answer halved the Erlang route's small-frame rate).
        boolean outer = inRead;
        inRead = true;
        try {
            session.info(message, this);
        } finally {
            inRead = outer;
        }
        session.flush();
        if (!inRead) channel.flush();
    }

    /**
     * A linked process exited. The websocket process does not trap exits (Cowboy 2.11+), so a normal exit is
     * ignored and anything else kills it: no close frame, no terminate.
     */
    @Override
    public void onExitSignal(OtpErlangPid from, OtpErlangObject reason) {
        if (phase == Phase.CLOSED) return;
        if (reason instanceof OtpErlangAtom a && a.atomValue().equals("normal")) return;
        if (!session.onExitSignal(from, reason, this)) die(reason);
    }

    /** Exit reasons as Erlang terms. */
    static final class Terms {
        private Terms() {}

        static OtpErlangObject exitReason(Object reason) {
            return switch (reason) {
                case OtpErlangObject o -> o;
                case Term t -> t.raw();
                default -> atomOrBinary(String.valueOf(reason));
            };
        }

        static OtpErlangObject crashExitReason(TerminateReason.Crash c) {
            OtpErlangObject why = switch (c.cause()) {
                case OtpErlangObject o -> o;
                case Term t -> t.raw();
                case Throwable t -> new OtpErlangBinary(String.valueOf(t).getBytes(StandardCharsets.UTF_8));
                default -> atomOrBinary(String.valueOf(c.cause()));
            };
            return new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangAtom("crash"), atomOrBinary(c.cls()), why});
        }

        /**
         * A reason given as text: an atom, as Erlang's are, unless it is too long for one (a description of what went
         * wrong, such as an answer the bridge should not have sent): then a binary, as for a Throwable. An atom's
         * constructor throws past {@link OtpErlangAtom#maxAtomLength}, which left the connection half closed.
         */
        static OtpErlangObject atomOrBinary(String s) {
            if (s.codePointCount(0, s.length()) <= OtpErlangAtom.maxAtomLength) return new OtpErlangAtom(s);
            return new OtpErlangBinary(s.getBytes(StandardCharsets.UTF_8));
        }
    }
}
