package io.corral.compat;

import io.corral.api.TerminateReason;
import io.corral.api.Term;

/**
 * The closed list of terminate reasons shown in each generation's shape (docs/contract/close.md). Pure.
 */
public final class Reasons {
    private Reasons() {}

    /** Cowboy 2.x's {@code terminate/3} reason as a term. */
    public static Term twoX(TerminateReason r) {
        return switch (r) {
            case TerminateReason.Normal n -> Term.atom("normal");
            case TerminateReason.Stop s -> Term.atom("stop");
            case TerminateReason.Shutdown s -> Term.atom("shutdown");
            case TerminateReason.Timeout t -> Term.atom("timeout");
            case TerminateReason.Remote x -> Term.atom("remote");
            case TerminateReason.RemoteClose c -> Term.tuple(Term.atom("remote"), Term.integer(c.code()), Term.binary(c.reason()));
            case TerminateReason.Error e -> Term.tuple(Term.atom("error"), Term.atom(e.kind()));
            case TerminateReason.Crash c -> Term.tuple(Term.atom("crash"), Term.atom(c.cls()), cause(c.cause()));
            case TerminateReason.Exit x -> cause(x.reason());
        };
    }

    /** Cowboy 1.x's {@code websocket_terminate/3} reason as a term. */
    public static Term oneX(TerminateReason r) {
        return switch (r) {
            case TerminateReason.Normal n -> Term.tuple(Term.atom("normal"), Term.atom("shutdown"));
            case TerminateReason.Stop s -> Term.tuple(Term.atom("normal"), Term.atom("shutdown"));
            case TerminateReason.Shutdown s -> Term.tuple(Term.atom("normal"), Term.atom("shutdown"));
            case TerminateReason.Timeout t -> Term.tuple(Term.atom("normal"), Term.atom("timeout"));
            case TerminateReason.Remote x -> Term.tuple(Term.atom("remote"), Term.atom("closed"));
            case TerminateReason.RemoteClose c -> Term.tuple(Term.atom("remote"), Term.integer(c.code()), Term.binary(c.reason()));
            // 1.x has no size limit, so no badsize; the rest keep their name.
            case TerminateReason.Error e -> Term.tuple(Term.atom("error"), Term.atom(e.kind()));
            case TerminateReason.Crash c -> Term.tuple(Term.atom("error"), Term.atom("handler"));
            case TerminateReason.Exit x -> cause(x.reason());
        };
    }

    private static Term cause(Object o) {
        return switch (o) {
            case Term t -> t;
            case com.ericsson.otp.erlang.OtpErlangObject e -> Term.of(e);
            case Throwable t -> Term.binary(String.valueOf(t));
            default -> Term.atom(String.valueOf(o));
        };
    }
}
