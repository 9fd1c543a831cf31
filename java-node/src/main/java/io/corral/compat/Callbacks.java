package io.corral.compat;

import io.corral.api.Command;
import io.corral.connection.SessionContext;
import java.util.List;

/** How both Java handler shapes run a websocket callback and carry out its result, the way Cowboy's loop does. */
final class Callbacks {
    private Callbacks() {}

    @FunctionalInterface
    interface Callback<R> {
        R call() throws Exception;
    }

    /**
     * Runs a callback. A throw is Cowboy's callback crash (close 1011, terminate with the crash); a null result is an
     * invalid return (the process dies: no close frame, no terminate). Returns null when the session is over.
     */
    static <R> R invoke(SessionContext ctx, Callback<R> callback) {
        R r;
        long started = System.nanoTime();
        try {
            r = callback.call();
        } catch (Throwable t) {
            rethrowIfFatal(t);
            ctx.stats().callback(System.nanoTime() - started);
            ctx.crash("error", t);
            return null;
        }
        // Two clock reads per callback (tens of nanoseconds) are the whole cost of corral.handler.callbacks.
        ctx.stats().callback(System.nanoTime() - started);
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
