package com.ericsson.otp.erlang;

import io.netty.buffer.ByteBuf;
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

    /**
     * Buffers spliced into the encoding ({@link #splice}) and the positions of the encoded bytes they follow; null
     * when splicing is off. Only {@link CorralOtpNode#send} turns it on, as only it writes the pieces out.
     */
    private ByteBuf[] spliced;
    private int[] splicedAt;
    private int splicedCount;
    private long splicedBytes;

    /** From now until {@link #reset}, {@link #splice} is allowed. */
    void allowSplicing() {
        if (spliced == null) {
            spliced = new ByteBuf[4];
            splicedAt = new int[4];
        }
        splicing = true;
    }

    private boolean splicing;

    /** Whether {@link #splice} may be called: the writer of this encoding writes spliced buffers out. */
    public boolean splicing() {
        return splicing;
    }

    /**
     * {@code b}'s readable bytes belong here, after what was written so far: the encoding holds a reference to
     * {@code b} (not its own: the caller keeps {@code b} alive until the encoding is written) instead of a copy.
     */
    public void splice(ByteBuf b) {
        if (!splicing) throw new IllegalStateException("splicing is not on");
        if (splicedCount == spliced.length) {
            spliced = Arrays.copyOf(spliced, 2 * splicedCount);
            splicedAt = Arrays.copyOf(splicedAt, 2 * splicedCount);
        }
        spliced[splicedCount] = b;
        splicedAt[splicedCount++] = count;
        splicedBytes += b.readableBytes();
    }

    int splicedCount() {
        return splicedCount;
    }

    long splicedBytes() {
        return splicedBytes;
    }

    ByteBuf[] spliced() {
        return spliced;
    }

    int[] splicedAt() {
        return splicedAt;
    }

    byte[] array() {
        return buf;
    }

    /** Also forgets the spliced buffers and turns splicing off. */
    @Override
    public void reset() {
        super.reset();
        forgetSpliced();
    }

    /** Drops the references to the spliced buffers (they are the caller's) and turns splicing off. */
    public void forgetSpliced() {
        if (splicedCount > 0) Arrays.fill(spliced, 0, splicedCount, null);
        splicedCount = 0;
        splicedBytes = 0;
        splicing = false;
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
