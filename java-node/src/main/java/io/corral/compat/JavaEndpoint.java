package io.corral.compat;

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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Java handler in the Cowboy 2.x shape. Every callback runs on the connection's event loop, synchronously; an
 * exception becomes Cowboy's crash handling (HTTP 500 from init, close 1011 and {@code {crash, error, E}} after).
 */
public final class JavaEndpoint<S> implements HandlerEndpoint {
    private static final Logger log = LoggerFactory.getLogger(JavaEndpoint.class);

    private final WebSocketHandler<S> handler;
    private final Term options;

    public JavaEndpoint(WebSocketHandler<S> handler, Term options) {
        this.handler = handler;
        this.options = options;
    }

    @Override
    public String name() {
        return handler.getClass().getName();
    }

    @Override
    public VersionProfile defaultProfile() {
        return VersionProfile.V2_LATEST;
    }

    @Override
    public CompletionStage<InitDecision> init(UpgradeRequest request, ConnectionProcess process) {
        InitResult<S> result;
        try {
            result = handler.init(request, options);
        } catch (Throwable t) {
            Callbacks.rethrowIfFatal(t);
            // Cowboy calls terminate({crash, ...}) with the handler options as the state, then answers 500.
            callTerminate(new TerminateReason.Crash("error", t), request.partial(), null);
            return CompletableFuture.completedFuture(new InitDecision.Crash(t.toString()));
        }
        return CompletableFuture.completedFuture(switch (result) {
            case InitResult.Upgrade<S> u -> {
                HandlerOptions o = u.options() != null ? u.options() : request.profile().defaults();
                yield new InitDecision.Upgrade(new Session(u.state(), request.partial()), o, request.responseHeaders());
            }
            case InitResult.NoUpgrade<S> n -> {
                callTerminate(TerminateReason.NORMAL, request.partial(), n.state());
                Map<String, String> headers = new java.util.LinkedHashMap<>(request.responseHeaders());
                headers.putAll(n.headers());
                yield n.status() == null ? new InitDecision.Reply(204, headers, Frame.EMPTY)
                        : new InitDecision.Reply(n.status(), headers, n.body());
            }
        });
    }

    private void callTerminate(TerminateReason reason, PartialRequest req, S state) {
        try {
            handler.terminate(reason, req, state);
        } catch (Throwable t) {
            Callbacks.rethrowIfFatal(t);
            log.warn("terminate of {} raised", name(), t);
        }
    }

    /** One connection's handler state. */
    private final class Session implements HandlerSession {
        private S state;
        private final PartialRequest request;

        Session(S state, PartialRequest request) {
            this.state = state;
            this.request = request;
        }

        @Override
        public void websocketInit(SessionContext ctx) {
            run(ctx, () -> handler.websocketInit(state, ctx.connection()));
        }

        @Override
        public void handle(Frame frame, SessionContext ctx) {
            run(ctx, () -> handler.websocketHandle(frame, state));
        }

        @Override
        public void info(Term message, SessionContext ctx) {
            run(ctx, () -> handler.websocketInfo(message, state));
        }

        @Override
        public void terminate(TerminateReason reason, SessionContext ctx) {
            callTerminate(reason, request, state);
        }

        private void run(SessionContext ctx, Callbacks.Callback<Result<S>> callback) {
            Result<S> r = Callbacks.invoke(ctx, callback);
            if (r == null) return;
            state = r.state();
            Callbacks.carryOut(ctx, r.commands(), r.hibernate());
        }
    }
}
