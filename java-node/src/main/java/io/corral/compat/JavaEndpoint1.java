package io.corral.compat;

import io.corral.api.Command;
import io.corral.api.Frame;
import io.corral.api.HandlerOptions;
import io.corral.api.PartialRequest;
import io.corral.api.Req1;
import io.corral.api.TerminateReason;
import io.corral.api.Term;
import io.corral.api.WebSocketHandler1;
import io.corral.api.WebSocketHandler1.Init1;
import io.corral.api.WebSocketHandler1.Result1;
import io.corral.config.VersionProfile;
import io.corral.connection.ConnectionProcess;
import io.corral.connection.HandlerEndpoint;
import io.corral.connection.HandlerSession;
import io.corral.connection.SessionContext;
import io.corral.handshake.UpgradeRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Java handler in the Cowboy 1.x shape. {@code websocket_init/3} runs before the 101 in the connection's process
 * (its {@code self} is the session's); results are translated to the engine's commands; terminate reasons are shown
 * as 1.x terms by {@link Reasons#oneX}.
 */
public final class JavaEndpoint1<S> implements HandlerEndpoint {
    private static final Logger log = LoggerFactory.getLogger(JavaEndpoint1.class);

    private final WebSocketHandler1<S> handler;
    private final Term options;

    public JavaEndpoint1(WebSocketHandler1<S> handler, Term options) {
        this.handler = handler;
        this.options = options;
    }

    @Override
    public String name() {
        return handler.getClass().getName();
    }

    @Override
    public VersionProfile defaultProfile() {
        return VersionProfile.V1_1;
    }

    @Override
    public CompletionStage<InitDecision> init(UpgradeRequest request, ConnectionProcess process) {
        Req1 req = Req1.of(request, Map.of("websocket_version", request.websocketVersion(),
                "websocket_compress", false));
        Init1<S> init;
        try {
            init = handler.websocketInit(req, options, process.connection());
        } catch (Throwable t) {
            Callbacks.rethrowIfFatal(t);
            Callbacks.crashed(name(), "websocketInit", request.partial(), process.connection().pid(), t);
            return CompletableFuture.completedFuture(new InitDecision.Crash(t.toString()));
        }
        if (init.shutdown()) {
            // {shutdown, Req}: 400 unless the handler replied; websocket_terminate/3 is not called.
            Req1 r = init.req();
            int status = r.replied() != null ? r.replied() : 400;
            return CompletableFuture.completedFuture(new InitDecision.Reply(status, r.respHeaders(), Frame.EMPTY));
        }
        HandlerOptions o = request.profile().defaults().toBuilder()
                .idleTimeoutMillis(init.timeoutMillis() == null ? HandlerOptions.INFINITY : init.timeoutMillis())
                .build();
        return CompletableFuture.completedFuture(
                new InitDecision.Upgrade(new Session(init.req(), init.state(), request.partial()), o,
                        init.req().respHeaders()));
    }

    private final class Session implements HandlerSession {
        private Req1 req;
        private S state;
        private final PartialRequest request;

        Session(Req1 req, S state, PartialRequest request) {
            this.req = req;
            this.state = state;
            this.request = request;
        }

        @Override
        public void websocketInit(SessionContext ctx) {
            // 1.x ran websocket_init/3 before the 101; nothing runs after it.
        }

        @Override
        public void handle(Frame frame, SessionContext ctx) {
            run(ctx, "websocketHandle", () -> handler.websocketHandle(frame, req, state));
        }

        @Override
        public void info(Term message, SessionContext ctx) {
            run(ctx, "websocketInfo", () -> handler.websocketInfo(message, req, state));
        }

        @Override
        public void terminate(TerminateReason reason, SessionContext ctx) {
            try {
                handler.websocketTerminate(Reasons.oneX(reason), req, state);
            } catch (Throwable t) {
                Callbacks.rethrowIfFatal(t);
                log.warn("websocket_terminate of {} raised", name(), t);
            }
        }

        private void run(SessionContext ctx, String callback, Callbacks.Callback<Result1<S>> call) {
            Result1<S> r = Callbacks.invoke(ctx, name(), callback, request, call);
            if (r == null) return;
            req = r.req();
            state = r.state();
            List<Command> commands = new ArrayList<>(r.frames());
            if (r.shutdown()) commands.add(Command.stop());
            Callbacks.carryOut(ctx, commands, r.hibernate());
        }
    }
}
