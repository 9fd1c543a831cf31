package io.corral.connection;

import io.corral.api.Command;
import io.corral.api.Connection;
import io.corral.api.TerminateReason;
import io.netty.buffer.ByteBuf;
import java.util.List;

/** What a {@link HandlerSession} may do to its connection. Called on the connection's event loop only. */
public interface SessionContext {

    /**
     * Carry out a callback's result now. For a handler that answers at once this is the answer to the event being
     * handled; for one that answers later it is a result that answers no event of this connection (a message or
     * timer the handler's own process got), which belongs before every answer still awaited.
     */
    void apply(List<Command> commands, boolean hibernate);

    /**
     * {@link #apply} of a result whose one command is a {@link io.corral.api.DataFrame}, given as the frame's buffer
     * (whose reference this takes over) and kind rather than the frame: a handler's echo is carried out without its
     * frame or list passing out of the call that made them, so the JIT can leave them off the heap.
     */
    void send(ByteBuf content, boolean text);

    /**
     * Keeps the place, in the connection's output, of the answer to the event being handed over now: a flavour that
     * answers later calls this once per event, in event order, and {@link #answer} later; {@code bytes} is what
     * the event weighs (its payload), counted in flight until the answer came. Everything the engine
     * writes after it (a pong, a close) waits for that answer (docs/contract/seam.md, the ordering rule).
     */
    OutputSequence.Slot later(long bytes);

    /**
     * The answer for {@code slot}: its commands are carried out once everything before the slot was written. A
     * non-null {@code crash} means the callback raised after returning nothing more: close 1011 follows the commands.
     */
    void answer(OutputSequence.Slot slot, List<Command> commands, boolean hibernate, TerminateReason.Crash crash);

    /**
     * A callback raised: close with 1011, then {@code terminate({crash, Class, Reason})}, then the process exits
     * with {@code exitReason}.
     */
    void crash(String cls, Object reason);

    /**
     * The handler's process died without a close frame (an invalid return, or killed): the TCP connection is
     * closed and terminate is not called, as in Cowboy.
     */
    void die(Object exitReason);

    /** The connection's counters: sessions add the time their callbacks and round trips take. */
    ConnectionStats stats();

    /** The connection's handle (pid, post, timers), as handlers see it. */
    Connection connection();
}
