package io.corral.api;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangMap;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangString;
import com.ericsson.otp.erlang.OtpErlangTuple;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A typed view of an Erlang term. {@link #raw()} is the JInterface object underneath, for code that wants it.
 * Accessors throw {@link IllegalArgumentException} naming the term when it has another shape; {@code is*} tests
 * never throw.
 */
public final class Term {

    private final OtpErlangObject raw;

    private Term(OtpErlangObject raw) {
        this.raw = Objects.requireNonNull(raw);
    }

    public static Term of(OtpErlangObject raw) {
        return new Term(raw);
    }

    public OtpErlangObject raw() {
        return raw;
    }

    // ---- building ----

    public static Term atom(String name) {
        return new Term(new OtpErlangAtom(name));
    }

    public static Term binary(String utf8) {
        return new Term(new OtpErlangBinary(utf8.getBytes(StandardCharsets.UTF_8)));
    }

    public static Term binary(byte[] bytes) {
        return new Term(new OtpErlangBinary(bytes));
    }

    public static Term integer(long v) {
        return new Term(new OtpErlangLong(v));
    }

    public static Term pid(OtpErlangPid pid) {
        return new Term(pid);
    }

    public static Term ref(OtpErlangRef ref) {
        return new Term(ref);
    }

    /** A charlist ({@code "abc"} in Erlang), as opposed to {@link #binary(String)}. */
    public static Term string(String chars) {
        return new Term(new OtpErlangString(chars));
    }

    /** A map with atom keys, in the given order; values are terms. */
    public static Term atomMap(Map<String, Term> entries) {
        OtpErlangObject[] k = new OtpErlangObject[entries.size()];
        OtpErlangObject[] v = new OtpErlangObject[entries.size()];
        int i = 0;
        for (Map.Entry<String, Term> e : entries.entrySet()) {
            k[i] = new OtpErlangAtom(e.getKey());
            v[i++] = e.getValue().raw;
        }
        return new Term(new OtpErlangMap(k, v));
    }

    public static Term tuple(Term... elements) {
        return new Term(new OtpErlangTuple(Arrays.stream(elements).map(Term::raw).toArray(OtpErlangObject[]::new)));
    }

    public static Term list(List<Term> elements) {
        return new Term(new OtpErlangList(elements.stream().map(Term::raw).toArray(OtpErlangObject[]::new)));
    }

    public static Term list(Term... elements) {
        return list(Arrays.asList(elements));
    }

    public static Term map(Map<Term, Term> entries) {
        OtpErlangObject[] k = new OtpErlangObject[entries.size()];
        OtpErlangObject[] v = new OtpErlangObject[entries.size()];
        int i = 0;
        for (Map.Entry<Term, Term> e : entries.entrySet()) {
            k[i] = e.getKey().raw;
            v[i++] = e.getValue().raw;
        }
        return new Term(new OtpErlangMap(k, v));
    }

    // ---- reading ----

    public boolean isAtom() {
        return raw instanceof OtpErlangAtom;
    }

    public boolean isAtom(String name) {
        return raw instanceof OtpErlangAtom a && a.atomValue().equals(name);
    }

    public String atomValue() {
        if (raw instanceof OtpErlangAtom a) return a.atomValue();
        throw shape("an atom");
    }

    public boolean isBinary() {
        return raw instanceof OtpErlangBinary;
    }

    public byte[] binaryValue() {
        if (raw instanceof OtpErlangBinary b) return b.binaryValue();
        throw shape("a binary");
    }

    /** A binary read as UTF-8, or a charlist. */
    public String stringValue() {
        if (raw instanceof OtpErlangBinary b) return new String(b.binaryValue(), StandardCharsets.UTF_8);
        if (raw instanceof OtpErlangString s) return s.stringValue();
        if (raw instanceof OtpErlangList l) {
            try {
                return l.stringValue();
            } catch (Exception e) {
                throw shape("a string");
            }
        }
        throw shape("a binary or a string");
    }

    public boolean isInteger() {
        return raw instanceof OtpErlangLong;
    }

    public long longValue() {
        if (raw instanceof OtpErlangLong l) {
            if (!l.isLong()) throw shape("an integer that fits 64 bits");
            return l.longValue();
        }
        throw shape("an integer");
    }

    public boolean isTuple() {
        return raw instanceof OtpErlangTuple;
    }

    public boolean isTuple(int arity) {
        return raw instanceof OtpErlangTuple t && t.arity() == arity;
    }

    /** A tuple whose first element is the atom {@code tag}, with {@code arity} elements. */
    public boolean isTagged(String tag, int arity) {
        return raw instanceof OtpErlangTuple t && t.arity() == arity && t.arity() > 0
                && t.elementAt(0) instanceof OtpErlangAtom a && a.atomValue().equals(tag);
    }

    public int arity() {
        if (raw instanceof OtpErlangTuple t) return t.arity();
        throw shape("a tuple");
    }

    /** Element {@code i} (0-based) of a tuple. */
    public Term element(int i) {
        if (raw instanceof OtpErlangTuple t && i < t.arity()) return new Term(t.elementAt(i));
        throw shape("a tuple of at least " + (i + 1) + " elements");
    }

    public boolean isList() {
        return raw instanceof OtpErlangList || raw instanceof OtpErlangString;
    }

    public List<Term> listValue() {
        if (raw instanceof OtpErlangList l) {
            List<Term> out = new ArrayList<>(l.arity());
            for (OtpErlangObject o : l) out.add(new Term(o));
            return out;
        }
        if (raw instanceof OtpErlangString s) {
            List<Term> out = new ArrayList<>();
            s.stringValue().codePoints().forEach(c -> out.add(integer(c)));
            return out;
        }
        throw shape("a list");
    }

    public boolean isMap() {
        return raw instanceof OtpErlangMap;
    }

    /** The value under {@code key} in a map, or null. */
    public Term get(Term key) {
        if (raw instanceof OtpErlangMap m) {
            OtpErlangObject v = m.get(key.raw);
            return v == null ? null : new Term(v);
        }
        throw shape("a map");
    }

    /** The value under atom {@code key} in a map or proplist, or null. */
    public Term get(String key) {
        if (raw instanceof OtpErlangMap) return get(atom(key));
        if (isList()) {
            for (Term t : listValue()) {
                if (t.isTuple(2) && t.element(0).isAtom(key)) return t.element(1);
                if (t.isAtom(key)) return atom("true");
            }
            return null;
        }
        throw shape("a map or a proplist");
    }

    public boolean isPid() {
        return raw instanceof OtpErlangPid;
    }

    public OtpErlangPid pidValue() {
        if (raw instanceof OtpErlangPid p) return p;
        throw shape("a pid");
    }

    public boolean isRef() {
        return raw instanceof OtpErlangRef;
    }

    public OtpErlangRef refValue() {
        if (raw instanceof OtpErlangRef r) return r;
        throw shape("a reference");
    }

    private IllegalArgumentException shape(String expected) {
        return new IllegalArgumentException("expected " + expected + ", got " + raw);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Term t && t.raw.equals(raw);
    }

    @Override
    public int hashCode() {
        return raw.hashCode();
    }

    /** Erlang's own printed form. */
    @Override
    public String toString() {
        return raw.toString();
    }
}
