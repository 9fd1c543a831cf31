package io.corral.compat;

import com.ericsson.otp.erlang.OtpErlangPid;
import io.corral.api.PartialRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.corral.api.Command;
import io.corral.connection.SessionContext;
import java.util.List;

/** How both Java handler shapes run a websocket callback and carry out its result, the way Cowboy's loop does. */
final class Callbacks {
    private static final Logger log = LoggerFactory.getLogger("io.corral.handler");

    private Callbacks() {}

    @FunctionalInterface
    interface Callback<R> {
        R call() throws Exception;
    }

    /**
     * Runs a callback. A throw is Cowboy's callback crash (close 1011, terminate with the crash), reported at WARN;
     * a null result is an invalid return (the process dies: no close frame, no terminate). Returns null when the
     * session is over.
     */
    static <R> R invoke(SessionContext ctx, String handler, String callback, PartialRequest request,
            Callback<R> call) {
        R r;
        long started = ctx.stats().callbackStarting();
        try {
            r = call.call();
        } catch (Throwable t) {
            threw(ctx, handler, callback, request, started, t);
            return null;
        }
        return returned(ctx, started, r);
    }

    /**
     * {@link #invoke}'s end when the callback raised; for callers that make the call themselves (no lambda), with
     * {@code started} from {@code ctx.stats().callbackStarting()}.
     */
    static void threw(SessionContext ctx, String handler, String callback, PartialRequest request, long started,
            Throwable t) {
        rethrowIfFatal(t);
        ctx.stats().callbackEnded(started);
        crashed(handler, callback, request, ctx.connection().pid(), t);
        ctx.crash("error", t);
    }

    /** {@link #invoke}'s end when the callback returned {@code r}. */
    static <R> R returned(SessionContext ctx, long started, R r) {
        // corral.handler.callbacks: a count, and two clock reads for the callbacks that are timed (ConnectionStats).
        ctx.stats().callbackEnded(started);
        if (r == null) ctx.die("invalid_return");
        return r;
    }

    /**
     * A handler's throw is its crash, whatever it threw, as any Erlang exception class is; but a
     * {@link VirtualMachineError} (out of memory, an internal error) says the JVM itself can no longer be trusted,
     * and must end it so that whatever supervises Corral restarts it, never leave it half alive. A
     * {@link StackOverflowError} is the exception: the stack it unwound leaves the JVM sound, and it is a handler's
     * own fault (runaway recursion), so it is that handler's crash.
     */
    static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError e && !(t instanceof StackOverflowError)) throw e;
    }

    /**
     * One WARN line naming the handler, the callback and the connection, then the stack: what Cowboy's crash report
     * (cowboy_websocket:handler_call/6 via cowboy_stream's error logging) tells about an Erlang handler.
     */
    static void crashed(String handler, String callback, PartialRequest request, OtpErlangPid pid, Throwable t) {
        String peer = request.peer() == null ? "?" : request.peer().getHostString() + ":" + request.peer().getPort();
        log.warn("Java handler {} crashed in {} on {} from {} (pid {}): {}", handler, callback, request.path(), peer,
                pid == null ? "none" : pid, t.toString(), t);
    }

    static void carryOut(SessionContext ctx, List<Command> commands, boolean hibernate) {
        try {
            ctx.apply(commands, hibernate);
        } catch (IllegalArgumentException e) {
            // A frame Cowboy could not send either (control payload over 125 bytes, close reason over 123).
            // Cowboy encodes frames after the callback's try/catch, so cow_ws:frame/2's assertion kills the
            // process: no close frame, no terminate (docs/contract/callbacks.md), unlike a callback crash.
            ctx.die("invalid_frame");
        }
    }
}
