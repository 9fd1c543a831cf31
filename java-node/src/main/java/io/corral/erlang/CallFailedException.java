package io.corral.erlang;

import io.corral.api.Term;

/** A {@code gen_server:call} ended without a reply: the server exited ({@code noproc}, a crash) or its node went down. */
public final class CallFailedException extends RuntimeException {

    private final String node;
    private final transient Term reason;

    public CallFailedException(String node, Term reason) {
        super("call to a process on " + node + " failed: " + reason);
        this.node = node;
        this.reason = reason;
    }

    public String node() {
        return node;
    }

    /** The exit reason, as {@code gen_server:call} would raise it ({@code noproc}, {@code noconnection}, ...). */
    public Term reason() {
        return reason;
    }
}
