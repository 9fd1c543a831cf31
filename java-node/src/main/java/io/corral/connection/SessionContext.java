package io.corral.connection;

import io.corral.api.Command;
import io.corral.api.Connection;
import java.util.List;

/** What a {@link HandlerSession} may do to its connection. Called on the connection's event loop only. */
public interface SessionContext {

    /** Carry out a callback's result. */
    void apply(List<Command> commands, boolean hibernate);

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
