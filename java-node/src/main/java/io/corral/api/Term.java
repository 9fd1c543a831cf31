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

    /**
     * Wraps a JInterface object.
     *
     * @param raw the JInterface object
     * @return the term
     */
    public static Term of(OtpErlangObject raw) {
        return new Term(raw);
    }

    /**
     * The JInterface object underneath.
     *
     * @return the JInterface object
     */
    public OtpErlangObject raw() {
        return raw;
    }

    // ---- building ----

    /**
     * An atom.
     *
     * @param name the atom's text
     * @return the atom
     */
    public static Term atom(String name) {
        return new Term(new OtpErlangAtom(name));
    }

    /**
     * A binary holding text as UTF-8 ({@code <<"text">>}).
     *
     * @param utf8 the text
     * @return a binary of its UTF-8 bytes
     */
    public static Term binary(String utf8) {
        return new Term(new OtpErlangBinary(utf8.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A binary.
     *
     * @param bytes the bytes
     * @return the binary
     */
    public static Term binary(byte[] bytes) {
        return new Term(new OtpErlangBinary(bytes));
    }

    /**
     * An integer.
     *
     * @param v the value
     * @return the integer
     */
    public static Term integer(long v) {
        return new Term(new OtpErlangLong(v));
    }

    /**
     * A pid.
     *
     * @param pid the pid
     * @return the term
     */
    public static Term pid(OtpErlangPid pid) {
        return new Term(pid);
    }

    /**
     * A reference.
     *
     * @param ref the reference
     * @return the term
     */
    public static Term ref(OtpErlangRef ref) {
        return new Term(ref);
    }

    /**
     * A charlist ({@code "abc"} in Erlang), as opposed to {@link #binary(String)}.
     *
     * @param chars the characters
     * @return the charlist
     */
    public static Term string(String chars) {
        return new Term(new OtpErlangString(chars));
    }

    /**
     * A map with atom keys, in the given order; values are terms.
     *
     * @param entries key name to value
     * @return the map
     */
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

    /**
     * A tuple.
     *
     * @param elements the elements, in order
     * @return the tuple
     */
    public static Term tuple(Term... elements) {
        return new Term(new OtpErlangTuple(Arrays.stream(elements).map(Term::raw).toArray(OtpErlangObject[]::new)));
    }

    /**
     * A list.
     *
     * @param elements the elements, in order
     * @return the proper list
     */
    public static Term list(List<Term> elements) {
        return new Term(new OtpErlangList(elements.stream().map(Term::raw).toArray(OtpErlangObject[]::new)));
    }

    /**
     * A list.
     *
     * @param elements the elements, in order
     * @return the proper list
     */
    public static Term list(Term... elements) {
        return list(Arrays.asList(elements));
    }

    /**
     * A map.
     *
     * @param entries key to value
     * @return the map
     */
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

    /**
     * Whether this is an atom.
     *
     * @return true for an atom
     */
    public boolean isAtom() {
        return raw instanceof OtpErlangAtom;
    }

    /**
     * Whether this is the atom {@code name}.
     *
     * @param name the atom's text
     * @return true for that atom
     */
    public boolean isAtom(String name) {
        return raw instanceof OtpErlangAtom a && a.atomValue().equals(name);
    }

    /**
     * The text of an atom.
     *
     * @return the atom's text
     * @throws IllegalArgumentException when this is not an atom
     */
    public String atomValue() {
        if (raw instanceof OtpErlangAtom a) return a.atomValue();
        throw shape("an atom");
    }

    /**
     * Whether this is a binary.
     *
     * @return true for a binary
     */
    public boolean isBinary() {
        return raw instanceof OtpErlangBinary;
    }

    /**
     * The bytes of a binary.
     *
     * @return the bytes
     * @throws IllegalArgumentException when this is not a binary
     */
    public byte[] binaryValue() {
        if (raw instanceof OtpErlangBinary b) return b.binaryValue();
        throw shape("a binary");
    }

    /**
     * A binary read as UTF-8, or a charlist.
     *
     * @return the text
     * @throws IllegalArgumentException when this is neither
     */
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

    /**
     * Whether this is an integer.
     *
     * @return true for an integer
     */
    public boolean isInteger() {
        return raw instanceof OtpErlangLong;
    }

    /**
     * The value of an integer.
     *
     * @return the value
     * @throws IllegalArgumentException when this is not an integer or does not fit 64 bits
     */
    public long longValue() {
        if (raw instanceof OtpErlangLong l) {
            if (!l.isLong()) throw shape("an integer that fits 64 bits");
            return l.longValue();
        }
        throw shape("an integer");
    }

    /**
     * Whether this is a tuple.
     *
     * @return true for a tuple
     */
    public boolean isTuple() {
        return raw instanceof OtpErlangTuple;
    }

    /**
     * Whether this is a tuple of {@code arity} elements.
     *
     * @param arity the number of elements
     * @return true for a tuple of that size
     */
    public boolean isTuple(int arity) {
        return raw instanceof OtpErlangTuple t && t.arity() == arity;
    }

    /**
     * A tuple whose first element is the atom {@code tag}, with {@code arity} elements.
     *
     * @param tag the first element's atom
     * @param arity the number of elements
     * @return true for such a tuple
     */
    public boolean isTagged(String tag, int arity) {
        return raw instanceof OtpErlangTuple t && t.arity() == arity && t.arity() > 0
                && t.elementAt(0) instanceof OtpErlangAtom a && a.atomValue().equals(tag);
    }

    /**
     * The size of a tuple.
     *
     * @return the number of elements
     * @throws IllegalArgumentException when this is not a tuple
     */
    public int arity() {
        if (raw instanceof OtpErlangTuple t) return t.arity();
        throw shape("a tuple");
    }

    /**
     * Element {@code i} (0-based) of a tuple.
     *
     * @param i the index, from 0
     * @return the element
     * @throws IllegalArgumentException when this is not a tuple of more than {@code i} elements
     */
    public Term element(int i) {
        if (raw instanceof OtpErlangTuple t && i < t.arity()) return new Term(t.elementAt(i));
        throw shape("a tuple of at least " + (i + 1) + " elements");
    }

    /**
     * Whether this is a list (a charlist too).
     *
     * @return true for a list
     */
    public boolean isList() {
        return raw instanceof OtpErlangList || raw instanceof OtpErlangString;
    }

    /**
     * The elements of a list.
     *
     * @return the elements (a charlist's as integers)
     * @throws IllegalArgumentException when this is not a list
     */
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

    /**
     * Whether this is a map.
     *
     * @return true for a map
     */
    public boolean isMap() {
        return raw instanceof OtpErlangMap;
    }

    /**
     * The value under {@code key} in a map, or null.
     *
     * @param key the key
     * @return the value, or null
     * @throws IllegalArgumentException when this is not a map
     */
    public Term get(Term key) {
        if (raw instanceof OtpErlangMap m) {
            OtpErlangObject v = m.get(key.raw);
            return v == null ? null : new Term(v);
        }
        throw shape("a map");
    }

    /**
     * The value under atom {@code key} in a map or proplist, or null.
     *
     * @param key the key atom's text
     * @return the value ({@code true} for a bare atom in a proplist), or null
     * @throws IllegalArgumentException when this is neither a map nor a list
     */
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

    /**
     * Whether this is a pid.
     *
     * @return true for a pid
     */
    public boolean isPid() {
        return raw instanceof OtpErlangPid;
    }

    /**
     * The pid.
     *
     * @return the pid
     * @throws IllegalArgumentException when this is not a pid
     */
    public OtpErlangPid pidValue() {
        if (raw instanceof OtpErlangPid p) return p;
        throw shape("a pid");
    }

    /**
     * Whether this is a reference.
     *
     * @return true for a reference
     */
    public boolean isRef() {
        return raw instanceof OtpErlangRef;
    }

    /**
     * The reference.
     *
     * @return the reference
     * @throws IllegalArgumentException when this is not a reference
     */
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
