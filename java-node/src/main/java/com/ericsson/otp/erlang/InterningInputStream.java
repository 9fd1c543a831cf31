package com.ericsson.otp.erlang;

import java.nio.charset.StandardCharsets;

/**
 * Decodes terms as {@link OtpInputStream} does, except that atoms come from a bounded table of shared instances.
 * Stock JInterface allocates a {@code byte[]}, a {@code String} and an {@link OtpErlangAtom} for every atom it
 * decodes, and the node name inside every pid: on the Erlang route that was the largest share of what a reply costs
 * in allocation, for the same few atoms ({@code '$corral'}, {@code replies}, {@code text}, the nodes' names) every
 * time. Atoms are immutable and compared by value, so sharing them changes nothing for their users.
 *
 * <p>The table is direct-mapped and lock-free: an entry is an immutable object published through a plain array
 * store (final fields make it safe to read from any thread), a collision replaces the older entry, and atoms over
 * {@link #MAX_CACHED} bytes are decoded as stock JInterface does. Its size is fixed, so a peer that sends ever new
 * atoms costs no memory growth here.
 */
public final class InterningInputStream extends OtpInputStream {

    /** Longer atoms are rare and not worth a slot. */
    static final int MAX_CACHED = 64;
    private static final int SLOTS = 1024; // a power of two

    private record Entry(byte[] key, boolean utf8, OtpErlangAtom atom) {}

    private static final Entry[] TABLE = new Entry[SLOTS];

    public InterningInputStream(byte[] buf, int offset, int length) {
        super(buf, offset, length, 0);
    }

    @Override
    public OtpErlangObject read_any() throws OtpErlangDecodeException {
        int tag = peek1skip_version();
        if (tag == OtpExternal.atomTag || tag == OtpExternal.smallAtomUtf8Tag || tag == OtpExternal.atomUtf8Tag) {
            OtpErlangAtom a = cached();
            if (a != null) return a;
        }
        return super.read_any();
    }

    /** Used by pids, ports and references for their node name, and by tuples' atoms decoded as strings. */
    @Override
    public String read_atom() throws OtpErlangDecodeException {
        OtpErlangAtom a = cached();
        return a != null ? a.atomValue() : super.read_atom();
    }

    /**
     * The atom at the current position from the table, consuming it; null (position unchanged) when it is not an
     * atom this table keeps, for the stock decoder to read.
     */
    private OtpErlangAtom cached() throws OtpErlangDecodeException {
        int start = pos;
        int tag = read1skip_version();
        int len;
        boolean utf8;
        switch (tag) {
            case OtpExternal.atomTag -> {
                len = read2BE();
                utf8 = false;
            }
            case OtpExternal.smallAtomUtf8Tag -> {
                len = read1();
                utf8 = true;
            }
            case OtpExternal.atomUtf8Tag -> {
                len = read2BE();
                utf8 = true;
            }
            default -> {
                pos = start;
                return null;
            }
        }
        if (len > MAX_CACHED || pos + len > count) {
            pos = start;
            return null;
        }
        int h = utf8 ? 1 : 0;
        for (int i = 0; i < len; i++) h = 31 * h + buf[pos + i];
        int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
        Entry e = TABLE[slot];
        if (e != null && e.utf8 == utf8 && java.util.Arrays.equals(e.key, 0, e.key.length, buf, pos, pos + len)) {
            pos += len;
            return e.atom;
        }
        byte[] key = java.util.Arrays.copyOfRange(buf, pos, pos + len);
        pos += len;
        // Atoms of at most MAX_CACHED bytes are under OTP's 255-character limit: no truncation as in read_atom.
        OtpErlangAtom atom = new OtpErlangAtom(new String(key, utf8 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1));
        TABLE[slot] = new Entry(key, utf8, atom);
        return atom;
    }

    /** Per thread: the payload of a message is copied here to be decoded (the decoded terms never point into it). */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[4096]);

    /** Payloads larger than this are decoded by JInterface in place: copying them would cost more than it saves. */
    static final int MAX_COPIED = 4096;

    /** The message's payload, decoded with shared atoms when it came from the network and is small. */
    static OtpErlangObject payload(OtpMsg m) throws OtpErlangDecodeException {
        OtpInputStream in = m.getMsgBuf();
        if (in == null) return m.getMsg();
        int n = in.available();
        if (n > MAX_COPIED) return m.getMsg();
        byte[] b = SCRATCH.get();
        in.mark(0);
        in.readN(b, 0, n);
        in.reset();
        return new InterningInputStream(b, 0, n).read_any();
    }
}
