package io.corral.erlang;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import io.corral.api.Command;
import io.corral.api.Frame;
import io.corral.api.TerminateReason;
import io.corral.api.Term;
import io.corral.config.VersionProfile;
import io.corral.connection.ConnectionProcess;
import io.corral.connection.HandlerEndpoint;
import io.corral.connection.HandlerSession;
import io.corral.connection.OutputSequence;
import io.corral.connection.SessionContext;
import io.corral.connection.WsConnection;
import io.corral.handshake.UpgradeRequest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An unmodified Cowboy handler module on an Erlang node, driven through erlang-bridge ({@link BridgeContract}).
 * The bridge's proxy process is the handler's {@code self()}; this side forwards frames, messages and the end of the
 * session to it in batches and carries out the commands it sends back.
 */
public final class RemoteEndpoint implements HandlerEndpoint {

    /** How long the bridge may take to run init before the client gets a 500. */
    static final Duration INIT_TIMEOUT = Duration.ofSeconds(15);

    private final String module;
    private final Term options;
    private final String node;
    private final VersionProfile generation;
    private final ErlangNode local;

    /**
     * @param generation the handler's generation as the bridge detected it from the module's exports:
     *     {@link VersionProfile#V1_1} for 1.x modules, {@link VersionProfile#V2_LATEST} for 2.x
     */
    public RemoteEndpoint(String module, Term options, String node, VersionProfile generation, ErlangNode local) {
        this.local = local;
        this.module = module;
        this.options = options;
        this.node = node;
        this.generation = generation;
    }

    @Override
    public String name() {
        return module;
    }

    @Override
    public VersionProfile defaultProfile() {
        return generation;
    }

    public String node() {
        return node;
    }

    @Override
    public CompletionStage<InitDecision> init(UpgradeRequest request, ConnectionProcess process) {
        CompletableFuture<InitDecision> result = new CompletableFuture<>();
        OtpErlangPid self = process.pid();
        if (self == null) {
            return CompletableFuture.completedFuture(new InitDecision.Crash("no Erlang node: cannot run " + module));
        }
        if (!local.connectedNodes().contains(node)) {
            // The handler node is down: refuse now rather than let the client wait (docs/design.md, failure model), and
            // try to reconnect so a node that comes back serves the next upgrade.
            local.connect(node);
            return CompletableFuture.completedFuture(new InitDecision.Reply(503, Map.of(), Frame.EMPTY));
        }
        List<OtpErlangObject> early = new ArrayList<>();
        // Nothing links this pid and the proxy (CONTRACT.md section 5): the binding hears the node's loss and tells
        // the bridge if this pid ends before the proxy knows.
        if (process.binding() instanceof Binding b) b.servedBy(node);
        ScheduledFuture<?> timeout = process.eventLoop().schedule(() -> {
            if (result.complete(new InitDecision.Crash("erlang-bridge on " + node + " did not answer init of "
                    + module + " within " + INIT_TIMEOUT.toSeconds() + " s"))) {
                process.exit(new OtpErlangAtom("normal"));
            }
        }, INIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        process.attach(new ConnectionProcess.Target() {
            @Override
            public void onMessage(OtpErlangObject message) {
                BridgeContract.Incoming in = BridgeContract.decode(message);
                if (in instanceof BridgeContract.InitResult r) {
                    timeout.cancel(false);
                    process.detach();
                    result.complete(decide(r, request, process, early));
                } else if (in instanceof BridgeContract.ProxyExit x) {
                    onExitSignal(x.proxy(), x.reason());
                } else {
                    early.add(message); // sent to the pid before the session runs: websocket_info gets it later
                }
            }

            @Override
            public void onExitSignal(OtpErlangPid from, OtpErlangObject reason) {
                timeout.cancel(false);
                process.detach();
                told(process);
                result.complete(new InitDecision.Crash("erlang-bridge proxy for " + module + " exited: " + reason));
            }
        });
        process.binding().send(BridgeContract.BRIDGE, node, BridgeContract.open(self, module, options, request));
        return result;
    }

    /** The proxy needs no {@code down} from this connection any more ({@link Binding#handlerTold}). */
    private static void told(ConnectionProcess process) {
        if (process.binding() instanceof Binding b) b.handlerTold();
    }

    private InitDecision decide(BridgeContract.InitResult r, UpgradeRequest request, ConnectionProcess process,
            List<OtpErlangObject> early) {
        // Any decision but an upgrade ends the proxy (CONTRACT.md section 2).
        if (!(r.decision() instanceof BridgeContract.Upgrade)) told(process);
        return switch (r.decision()) {
            case BridgeContract.Upgrade u -> {
                // The proxy's answers, nearly every message this pid gets from now on, are read from their bytes.
                if (process.binding() instanceof Binding b) b.readAnswersOf(r.proxy());
                yield new InitDecision.Upgrade(new Session(r.proxy(), process, early, u.init()), u.options(),
                        u.headers());
            }
            case BridgeContract.Reply rep -> new InitDecision.Reply(rep.status(), rep.headers(), rep.body());
            // 2.x answers 204 when init did not reply; 1.x's {shutdown, Req} answers 400.
            case BridgeContract.NoReply n -> new InitDecision.Reply(request.profile().isOneX() ? 400 : 204, Map.of(), Frame.EMPTY);
            case BridgeContract.Crash c -> new InitDecision.Crash(module + " init raised " + c.cls() + ":" + Term.of(c.reason()));
        };
    }

    /**
     * One connection's proxy. Event loop only. Every event sent to the proxy keeps its place in the connection's
     * output ({@link SessionContext#later}); the proxy answers each batch with one answer per event, in order, and
     * each answer fills the oldest place still open (docs/contract/seam.md, the ordering rule).
     */
    private final class Session implements HandlerSession {
        private final OtpErlangPid proxy;
        private final ConnectionProcess process;
        /** Messages that came before the session, for websocket_init to hand on; null once handed on. */
        private List<OtpErlangObject> early;
        /**
         * The events of the batch being built; reused, as {@link BridgeContract#events} copies it. It and
         * {@code owed} start small: an idle connection keeps them for its whole life, and they grow (once) only on a
         * connection that has several events in flight; their default sizes are 88 bytes of an idle connection.
         */
        private final List<OtpErlangObject> batch = new ArrayList<>(2);
        /** The places of the answers still owed, oldest first. */
        private final ArrayDeque<OutputSequence.Slot> owed = new ArrayDeque<>(2);
        /** The proxy ran terminate itself (stop, close frame, crash): it must not be told again. */
        private boolean proxyEnded;
        /** Reading stays off until websocket_init's commands arrived, as Cowboy applies them before reading. */
        private boolean awaitingInit;
        /**
         * When the oldest batch not yet answered was sent (0: none), for corral.erlang.round.trips: a round trip runs
         * from the first unanswered batch to the next replies message.
         */
        private long unansweredSince;

        /** Whether websocket_init's answer is asked for by an event, follows the decision, or does not come. */
        private final BridgeContract.InitAnswer init;

        Session(OtpErlangPid proxy, ConnectionProcess process, List<OtpErlangObject> early,
                BridgeContract.InitAnswer init) {
            this.proxy = proxy;
            this.process = process;
            this.early = early;
            this.init = init;
            this.awaitingInit = init != BridgeContract.InitAnswer.NONE;
        }

        private void send(SessionContext ctx, OtpErlangObject event, long bytes) {
            owed.add(ctx.later(bytes));
            batch.add(event);
        }

        @Override
        public void websocketInit(SessionContext ctx) {
            // NONE: nothing ran and nothing is owed, reading stays on. Otherwise the socket stays unread until
            // websocket_init's answer is in force, as Cowboy applies its commands before it first reads.
            if (awaitingInit) {
                ctx.apply(List.of(Command.active(false)), false);
                // FOLLOWS: the answer is on its way (or already waiting in the process's queue, handed over once the
                // session is attached, after this): it fills the place kept here, before anything sent below.
                if (init == BridgeContract.InitAnswer.FOLLOWS) owed.add(ctx.later(0));
                else send(ctx, BridgeContract.WEBSOCKET_INIT, 0);
            }
            // Messages that reached the connection's pid before the session: websocket_info gets them next.
            if (early != null) for (OtpErlangObject m : early) send(ctx, BridgeContract.infoEvent(m), 0);
            early = null;
            flush();
        }

        @Override
        public void handle(Frame frame, SessionContext ctx) {
            send(ctx, BridgeContract.frameEvent(frame), frame.payload().length);
        }

        /**
         * A large payload goes to the proxy in the buffer it came in (a retained slice of it, released once the
         * event was written to the distribution channel: {@link EncodedEvents.Frame}); a small one is copied into
         * an array, which costs less than a buffer's reference counting and a gathered write of its own.
         */
        @Override
        public void handleData(io.netty.buffer.ByteBuf payload, boolean text, SessionContext ctx) {
            int n = payload.readableBytes();
            if (n < EncodedEvents.SPLICE_MIN) {
                HandlerSession.super.handleData(payload, text, ctx);
                return;
            }
            send(ctx, BridgeContract.frameEvent(payload.retainedSlice(), text), n);
        }

        @Override
        public void info(Term message, SessionContext ctx) {
            BridgeContract.Incoming in;
            try {
                in = BridgeContract.decode(message.raw());
            } catch (RuntimeException e) {
                ctx.crash("error", e);
                return;
            }
            // The answers read from their bytes carry this very pid (BridgeAnswers): no field-by-field compare of it.
            if (in instanceof BridgeContract.Replies r && (r.proxy() == proxy || r.proxy().equals(proxy))) {
                if (unansweredSince != 0) {
                    ctx.stats().roundTrip(System.nanoTime() - unansweredSince);
                    unansweredSince = 0;
                }
                List<BridgeContract.Commands> answers = r.answers();
                for (int i = 0, n = answers.size(); i < n; i++) {
                    BridgeContract.Commands c = answers.get(i);
                    OutputSequence.Slot slot = owed.poll();
                    if (slot == null) {
                        String what = r.toString();
                        // The connection takes the commands it is handed (and releases their buffers); these it is not.
                        for (int j = i; j < n; j++) WsConnection.releaseData(answers.get(j).commands(), 0);
                        ctx.crash("error", "erlang-bridge answered more events than it was sent: " + what);
                        return;
                    }
                    ctx.answer(slot, answer(c), c.hibernate(), crashOf(c));
                }
            } else if (in instanceof BridgeContract.ProxyExit x && x.proxy().equals(proxy)) {
                // What a link's exit signal would have been: the proxy is gone (an invalid return, killed, ...).
                proxyEnds();
                ctx.die(x.reason());
            } else if (in instanceof BridgeContract.Commands c && (c.proxy() == proxy || c.proxy().equals(proxy))) {
                // A message or timer the proxy got itself: it came before every event still unanswered.
                ended(c);
                ctx.apply(c.commands(), c.hibernate());
                if (c.crash() != null) ctx.crash(c.crash().cls(), c.crash().reason());
            } else {
                send(ctx, BridgeContract.infoEvent(message.raw()), 0);
            }
        }

        /** The commands of one answer; websocket_init's also turns reading on unless it says otherwise. */
        private List<Command> answer(BridgeContract.Commands c) {
            ended(c);
            if (!awaitingInit) return c.commands();
            awaitingInit = false;
            // An {active, false} among websocket_init's commands comes later in the list and wins.
            List<Command> withReading = new ArrayList<>(c.commands().size() + 1);
            withReading.add(Command.active(true));
            withReading.addAll(c.commands());
            return withReading;
        }

        private void ended(BridgeContract.Commands c) {
            if (c.crash() != null) {
                proxyEnds();
                return;
            }
            List<Command> cmds = c.commands();
            for (int i = 0, n = cmds.size(); i < n; i++) {
                if (cmds.get(i) instanceof Frame.Close || cmds.get(i) instanceof Command.Stop) {
                    proxyEnds();
                    return;
                }
            }
        }

        /** The proxy ended the session, or was told to, or is gone: it must not be told again. */
        private void proxyEnds() {
            if (proxyEnded) return;
            proxyEnded = true;
            told(process);
        }

        private TerminateReason.Crash crashOf(BridgeContract.Commands c) {
            return c.crash() == null ? null : new TerminateReason.Crash(c.crash().cls(), c.crash().reason());
        }

        @Override
        public void terminate(TerminateReason reason, SessionContext ctx) {
            if (proxyEnded) return;
            proxyEnds();
            batch.add(BridgeContract.terminateEvent(reason));
            flush();
        }

        @Override
        public boolean onExitSignal(OtpErlangPid from, OtpErlangObject reason, SessionContext ctx) {
            // The node serving the handler went away: Corral closes with 1011 (docs/design.md, failure model).
            if (reason instanceof OtpErlangAtom a && a.atomValue().equals("noconnection")) {
                proxyEnds();
                ctx.crash("exit", reason);
                return true;
            }
            proxyEnds();
            return false;
        }

        @Override
        public void flush() {
            if (batch.isEmpty()) return;
            OtpErlangObject events = BridgeContract.events(batch);
            batch.clear();
            if (unansweredSince == 0) unansweredSince = System.nanoTime() | 1;
            // Sent from the connection's own pid, so the proxy's link and its view of the sender stay right.
            process.binding().send(proxy, events);
        }
    }

}
