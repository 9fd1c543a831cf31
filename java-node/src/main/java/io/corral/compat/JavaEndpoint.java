package io.corral.compat;

import io.corral.api.Command;
import io.corral.api.DataFrame;
import io.corral.api.Frame;
import io.corral.api.HandlerOptions;
import io.corral.api.InitResult;
import io.corral.api.PartialRequest;
import io.corral.api.Result;
import io.corral.api.TerminateReason;
import io.corral.api.Term;
import io.corral.api.WebSocketHandler;
import io.corral.config.VersionProfile;
import io.corral.connection.ConnectionProcess;
import io.corral.connection.HandlerEndpoint;
import io.corral.connection.HandlerSession;
import io.corral.connection.SessionContext;
import io.corral.handshake.UpgradeRequest;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Java handler in the Cowboy 2.x shape. Every callback runs on the connection's event loop, synchronously; an
 * exception becomes Cowboy's crash handling (HTTP 500 from init, close 1011 and {@code {crash, error, E}} after).
 */
public final class JavaEndpoint<S> implements HandlerEndpoint {
    private static final Logger log = LoggerFactory.getLogger(JavaEndpoint.class);

    private final Supplier<? extends WebSocketHandler<S>> handlers;
    private final String name;
    private final Term options;

    /** One handler object for every connection of the route (its own fields are shared state, a chat room's). */
    public JavaEndpoint(WebSocketHandler<S> handler, Term options) {
        this(handler.getClass().getName(), () -> handler, options);
    }

    /** A handler object per connection, from {@code handlers}, asked once per upgrade request before init. */
    public JavaEndpoint(String name, Supplier<? extends WebSocketHandler<S>> handlers, Term options) {
        this.name = name;
        this.handlers = handlers;
        this.options = options;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public VersionProfile defaultProfile() {
        return VersionProfile.V2_LATEST;
    }

    @Override
    public CompletionStage<InitDecision> init(UpgradeRequest request, ConnectionProcess process) {
        InitResult<S> result;
        WebSocketHandler<S> handler = null;
        try {
            handler = handlers.get();
            if (handler == null) throw new IllegalStateException("the handler supplier returned null");
            result = handler.init(request, options);
        } catch (Throwable t) {
            Callbacks.rethrowIfFatal(t);
            Callbacks.crashed(name, handler == null ? "its supplier" : "init", request.partial(),
                    process.connection().pid(), t);
            // Cowboy calls terminate({crash, ...}) with the handler options as the state, then answers 500.
            if (handler != null) callTerminate(handler, new TerminateReason.Crash("error", t), request.partial(), null);
            return CompletableFuture.completedFuture(new InitDecision.Crash(t.toString()));
        }
        return CompletableFuture.completedFuture(switch (result) {
            case InitResult.Upgrade<S> u -> {
                HandlerOptions o = u.options() != null ? u.options() : request.profile().defaults();
                yield new InitDecision.Upgrade(new Session(handler, u.state(), request.partial()), o,
                        request.responseHeaders());
            }
            case InitResult.NoUpgrade<S> n -> {
                callTerminate(handler, TerminateReason.NORMAL, request.partial(), n.state());
                Map<String, String> headers = new java.util.LinkedHashMap<>(request.responseHeaders());
                headers.putAll(n.headers());
                yield n.status() == null ? new InitDecision.Reply(204, headers, Frame.EMPTY)
                        : new InitDecision.Reply(n.status(), headers, n.body());
            }
        });
    }

    private void callTerminate(WebSocketHandler<S> handler, TerminateReason reason, PartialRequest req, S state) {
        try {
            handler.terminate(reason, req, state);
        } catch (Throwable t) {
            Callbacks.rethrowIfFatal(t);
            log.warn("terminate of {} raised", name(), t);
        }
    }

    /**
     * Whether {@code commands} send the lent {@code payload} (or a view of it) with fewer references than they need:
     * each such frame needs one beside the connection's own, which it releases after the callback. Sending without
     * one would have the socket write memory already freed; this catches the common slip, an echo without
     * {@code retain()}. A counted check, cheap: the list is short and nothing is allocated.
     */
    static boolean sendsUnretained(List<Command> commands, ByteBuf payload) {
        ByteBuf root = root(payload);
        // An empty frame's payload can be Netty's shared empty buffer, whose count never moves (retain and release
        // do nothing, and there is no memory to free): an echo of it with retain() was taken as a slip and the
        // connection closed 1011 (found by FrameFuzzTest: a masked binary frame of length 0 on the echo route).
        if (root instanceof io.netty.buffer.EmptyByteBuf) return false;
        int needed = 1;
        for (Command c : commands) {
            if (c instanceof DataFrame d && root(d.content()) == root) needed++;
        }
        return needed > 1 && root.refCnt() < needed;
    }

    /** {@link #sendsUnretained(List, ByteBuf)} of a one-frame list, {@code sent} being that frame's buffer. */
    static boolean sendsUnretained(ByteBuf sent, ByteBuf payload) {
        ByteBuf root = root(payload);
        if (root instanceof io.netty.buffer.EmptyByteBuf) return false; // see the list's version
        return root(sent) == root && root.refCnt() < 2;
    }

    /** The buffer whose memory {@code b} shows (slices, duplicates and leak-detector wrappers unwrapped). */
    private static ByteBuf root(ByteBuf b) {
        for (ByteBuf u = b.unwrap(); u != null; u = u.unwrap()) b = u;
        return b;
    }

    /** One connection's handler state. */
    private final class Session implements HandlerSession {
        private final WebSocketHandler<S> handler;
        private S state;
        private final PartialRequest request;

        Session(WebSocketHandler<S> handler, S state, PartialRequest request) {
            this.handler = handler;
            this.state = state;
            this.request = request;
        }

        @Override
        public void websocketInit(SessionContext ctx) {
            run(ctx, "websocketInit", () -> handler.websocketInit(state, ctx.connection()));
        }

        @Override
        public void handle(Frame frame, SessionContext ctx) {
            run(ctx, "websocketHandle", () -> handler.websocketHandle(frame, state));
        }

        /**
         * The zero-copy path: the handler gets the payload's own buffer, lent (the connection releases it after this
         * returns); the call is made here rather than through a lambda, which cost an allocation per message.
         */
        @Override
        public void handleData(ByteBuf payload, boolean text, SessionContext ctx) {
            DataFrame frame = text ? DataFrame.text(payload) : DataFrame.binary(payload);
            long started = ctx.stats().callbackStarting();
            Result<S> r;
            try {
                r = handler.websocketHandle(frame, state);
            } catch (Throwable t) {
                Callbacks.threw(ctx, name, "websocketHandle", request, started, t);
                return;
            }
            if (Callbacks.returned(ctx, started, r) == null) return;
            state = r.state();
            List<Command> commands = r.commands();
            if (commands.size() == 1 && commands.get(0) instanceof DataFrame d) {
                // The usual answer, one data frame (an echo): carried out without handing on the list or the frame,
                // so that when the handler's call is inlined the JIT can keep the lent DataFrame, the Result and its
                // list off the heap (escape analysis), as plain Netty's echo allocates nothing of its own.
                ByteBuf out = d.content();
                if (sendsUnretained(out, payload)) {
                    unretained(ctx);
                    return;
                }
                ctx.send(out, d.isText());
                return;
            }
            if (sendsUnretained(r.commands(), payload)) {
                for (Command c : r.commands()) {
                    if (c instanceof DataFrame d && root(d.content()) != root(payload)) d.release();
                }
                unretained(ctx);
                return;
            }
            Callbacks.carryOut(ctx, r.commands(), r.hibernate());
        }

        /** The handler sent the lent payload without a reference of its own: its crash, before anything is written. */
        private void unretained(SessionContext ctx) {
            IllegalStateException e = new IllegalStateException("websocketHandle returned the DataFrame it was"
                    + " lent (or a view of it) without retain(): the frame is released when the callback returns;"
                    + " send frame.retain()");
            Callbacks.crashed(name, "websocketHandle", request, ctx.connection().pid(), e);
            ctx.crash("error", e);
        }

        @Override
        public void info(Term message, SessionContext ctx) {
            run(ctx, "websocketInfo", () -> handler.websocketInfo(message, state));
        }

        @Override
        public void terminate(TerminateReason reason, SessionContext ctx) {
            callTerminate(handler, reason, request, state);
        }

        private void run(SessionContext ctx, String callback, Callbacks.Callback<Result<S>> call) {
            Result<S> r = Callbacks.invoke(ctx, name, callback, request, call);
            if (r == null) return;
            state = r.state();
            Callbacks.carryOut(ctx, r.commands(), r.hibernate());
        }
    }
}
