package com.ericsson.otp.erlang;

import java.util.Arrays;

/**
 * Encodes terms as {@link OtpOutputStream} does, except that an atom's encoding comes from a bounded table of the
 * atoms encoded before. Stock JInterface counts the code points of every atom, converts it to UTF-8 by charset name
 * and writes it byte by byte, each time: on the Erlang route that was the largest single cost of encoding an event,
 * for the same few atoms ({@code '$corral'}, {@code frame}, {@code text}, the node names inside pids) every time.
 * The pair of {@link InterningInputStream}.
 *
 * <p>The table is direct-mapped and lock-free, as {@link InterningInputStream}'s: an entry is an immutable record
 * published through a plain array store, a collision replaces the older entry, atoms over
 * {@link InterningInputStream#MAX_CACHED} characters are encoded as stock JInterface does, and its size is fixed.
 */
public final class InterningOutputStream extends OtpOutputStream {

    private static final int SLOTS = 256; // a power of two

    private record Entry(String atom, byte[] encoded) {}

    private static final Entry[] TABLE = new Entry[SLOTS];

    public InterningOutputStream(int size) {
        super(size);
    }

    @Override
    public void write_atom(String atom) {
        if (atom.length() > InterningInputStream.MAX_CACHED) {
            super.write_atom(atom);
            return;
        }
        int slot = atom.hashCode() & (SLOTS - 1);
        Entry e = TABLE[slot];
        if (e != null && e.atom.equals(atom)) {
            writeN(e.encoded);
            return;
        }
        int start = count;
        super.write_atom(atom);
        TABLE[slot] = new Entry(atom, Arrays.copyOfRange(buf, start, count));
    }
}
