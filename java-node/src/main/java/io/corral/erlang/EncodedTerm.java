package io.corral.erlang;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangTuple;

/**
 * A term that writes its own external format ({@link EncodedEvents}) and otherwise behaves as the JInterface term it
 * stands for: it hashes and prints as {@link #term()}. Each subclass keeps its own {@code equals}, with a fast path
 * for its own kind before falling back to the term.
 */
abstract class EncodedTerm extends OtpErlangObject {

    /** The term this stands for, built as JInterface would have built it. */
    abstract OtpErlangTuple term();

    @Override
    protected int doHashCode() {
        return term().hashCode();
    }

    @Override
    public String toString() {
        return term().toString();
    }
}
