package io.corral.connection;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import io.corral.api.Frame;
import io.corral.api.TerminateReason;
import io.corral.api.Term;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * One handler flavour driving one connection: events in, commands out through {@link SessionContext}. Every flavour
 * (Java 2.x, Java 1.x, Erlang module over the bridge) is an implementation; the connection state machine only knows
 * this interface. All methods run on the connection's event loop. An implementation may answer later (an Erlang
 * handler answers when its proxy replies) but answers in order.
 */
public interface HandlerSession {

    /** Right after the 101 was written: {@code websocket_init}. */
    void websocketInit(SessionContext ctx);

    /** A whole message, ping or pong from the client (after the automatic pong). */
    void handle(Frame frame, SessionContext ctx);

    /**
     * A whole text or binary message. {@code payload} is lent for the call: the connection releases it when this
     * returns, so a flavour that keeps it (or sends it) retains it. The default copies it into a {@link Frame} for
     * {@link #handle}; a flavour that can use the buffer as it is overrides this (the Java 2.x handler's zero-copy
     * path, {@link io.corral.api.DataFrame}).
     */
    default void handleData(ByteBuf payload, boolean text, SessionContext ctx) {
        byte[] bytes = ByteBufUtil.getBytes(payload);
        handle(text ? new Frame.Text(bytes) : new Frame.Binary(bytes), ctx);
    }

    /** A message sent to the connection's pid or posted to it. */
    void info(Term message, SessionContext ctx);

    /**
     * The session ended for {@code reason}; the close frame, if any, was already sent. Not called when the handler
     * itself ended the session by a close frame, stop or crash and {@link SessionContext} was told so — those call
     * it too, once, with the matching reason.
     */
    void terminate(TerminateReason reason, SessionContext ctx);

    /**
     * An abnormal exit signal from a linked process. Return true when the flavour handled it (a process that traps
     * exits sees it as a message); false lets the connection die with that reason, as a Cowboy 2.11+ process does.
     */
    default boolean onExitSignal(OtpErlangPid from, OtpErlangObject reason, SessionContext ctx) {
        return false;
    }

    /** End of a read batch: a remote flavour sends what it queued. */
    default void flush() {}
}
