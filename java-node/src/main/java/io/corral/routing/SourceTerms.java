package io.corral.routing;

import com.ericsson.otp.erlang.OtpErlangObject;
import io.corral.api.Term;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Terms read from a file, with the line each value started on so later validation can still name a line.
 *
 * <p>Lines are keyed by the identity of the JInterface object under each {@link Term}: {@code Term} wrappers are
 * created afresh by every accessor, but the objects they wrap are shared, so any view of a parsed value finds its
 * line. Values that accessors synthesise (the characters of a string read as a list) have no line of their own.
 */
public final class SourceTerms {

    private final String fileName;
    private final List<Term> terms;
    private final Map<OtpErlangObject, Integer> lines;

    SourceTerms(String fileName, List<Term> terms, IdentityHashMap<OtpErlangObject, Integer> lines) {
        this.fileName = fileName;
        this.terms = List.copyOf(terms);
        // Copied so a reader that keeps parsing cannot change what callers see.
        this.lines = new IdentityHashMap<>(lines);
    }

    public String fileName() {
        return fileName;
    }

    /** The terms in file order. */
    public List<Term> terms() {
        return terms;
    }

    /** The line {@code term} started on, or {@code fallback} when it was not read from the file. */
    public int lineOf(Term term, int fallback) {
        Integer line = lines.get(term.raw());
        return line == null ? fallback : line;
    }

    /** The line {@code term} started on, or 0 when it was not read from the file. */
    public int lineOf(Term term) {
        return lineOf(term, 0);
    }

    /** An exception naming this file and the line of {@code at}. */
    public RoutesFileException error(Term at, String problem) {
        return new RoutesFileException(fileName, lineOf(at), problem);
    }
}
