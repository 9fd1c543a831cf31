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

    /**
     * The buffer this stream's bytes were copied from, {@code buf[0]} at {@code source}'s index {@link #sourceBase};
     * null when there is none (or it may not be kept past the read: {@link #readBinaryBuffer} then copies).
     */
    private io.netty.buffer.ByteBuf source;
    private int sourceBase;
    /** The buffers {@link #readBinaryBuffer} handed out since the last {@link #settleBuffers}. */
    private io.netty.buffer.ByteBuf[] taken;
    private int takenCount;

    /**
     * Binaries read by {@link #readBinaryBuffer} may be taken from {@code source} (index {@code base} is this stream's
     * first byte) rather than copied: the caller guarantees that those bytes stay as they are for as long as the
     * buffer is referenced (a retained slice keeps them).
     */
    public void source(io.netty.buffer.ByteBuf source, int base) {
        this.source = source;
        this.sourceBase = base;
    }

    /**
     * Reads a BINARY_EXT as a buffer of its own (one reference, the caller's once {@link #settleBuffers} keeps it):
     * a retained slice of the source buffer when this stream has one and the slice would not keep much more memory
     * alive than its own bytes (at most {@link #PIN_FACTOR} times: the rest of a large read buffer must not stay
     * pinned by a payload queued to a slow client, whose queue counts only the payload); otherwise a copy into a
     * buffer of the source's allocator. Only with a source ({@link #hasSource}).
     */
    public io.netty.buffer.ByteBuf readBinaryBuffer() throws OtpErlangDecodeException {
        int tag = read1skip_version();
        if (tag != OtpExternal.binTag) throw new OtpErlangDecodeException("Wrong tag encountered, expected "
                + OtpExternal.binTag + ", got " + tag);
        int len = read4BE();
        if (len < 0 || len > count - pos) throw new OtpErlangDecodeException("Cannot read from input stream");
        if (source == null) throw new IllegalStateException("no source buffer");
        io.netty.buffer.ByteBuf b;
        if (source.capacity() <= (long) PIN_FACTOR * len) {
            b = source.retainedSlice(sourceBase + pos, len);
        } else {
            b = source.alloc().directBuffer(len).writeBytes(buf, pos, len);
        }
        pos += len;
        if (taken == null) taken = new io.netty.buffer.ByteBuf[4];
        else if (takenCount == taken.length) taken = java.util.Arrays.copyOf(taken, 2 * takenCount);
        taken[takenCount++] = b;
        return b;
    }

    /** The length of the BINARY_EXT at the position (a version byte there skipped), or -1 if there is none. */
    public int peekBinaryLength() {
        int at = pos < count && (buf[pos] & 0xff) == OtpExternal.versionTag ? pos + 1 : pos;
        if (count - at < 5 || (buf[at] & 0xff) != OtpExternal.binTag) return -1;
        return (buf[at + 1] & 0xff) << 24 | (buf[at + 2] & 0xff) << 16 | (buf[at + 3] & 0xff) << 8 | buf[at + 4] & 0xff;
    }

    /** Whether {@link #readBinaryBuffer} may be used: the bytes came from a buffer that can be sliced. */
    public boolean hasSource() {
        return source != null;
    }

    /** See {@link #readBinaryBuffer}. */
    static final int PIN_FACTOR = 4;

    /**
     * The buffers handed out by {@link #readBinaryBuffer} since the last call are the reader's ({@code keep}) or,
     * when what it read was given up, released.
     */
    public void settleBuffers(boolean keep) {
        for (int i = 0; i < takenCount; i++) {
            if (!keep) taken[i].release();
            taken[i] = null;
        }
        takenCount = 0;
    }

    @Override
    public OtpErlangObject read_any() throws OtpErlangDecodeException {
        int tag = peek1skip_version();
        if (tag == OtpExternal.atomTag || tag == OtpExternal.smallAtomUtf8Tag || tag == OtpExternal.atomUtf8Tag) {
            OtpErlangAtom a = cached();
            if (a != null) return a;
        } else if (tag == OtpExternal.newPidTag || tag == OtpExternal.pidTag) {
            OtpErlangPid p = cachedPid();
            if (p != null) return p;
        } else if (tag == OtpExternal.smallIntTag && count - pos >= 2) {
            // SMALL_INTEGER_EXT (the contract's version in every message): stock decodes it through a byte array.
            OtpErlangLong l = SMALL_INTS[buf[pos + 1] & 0xff];
            pos += 2;
            return l;
        }
        return super.read_any();
    }

    /**
     * Consumes {@code encoded} when the stream holds exactly these bytes at its position (a version byte there is
     * skipped first), and says so; otherwise the position is unchanged. For readers that know the usual encoding of a
     * term (a message's fixed prefix, an expected pid) and check it with one comparison instead of decoding it;
     * another encoding of the same term is not recognised, so they fall back to decoding it.
     */
    public boolean skipIf(byte[] encoded) {
        int at = pos < count && (buf[pos] & 0xff) == OtpExternal.versionTag ? pos + 1 : pos;
        if (count - at < encoded.length
                || !java.util.Arrays.equals(buf, at, at + encoded.length, encoded, 0, encoded.length)) {
            return false;
        }
        pos = at + encoded.length;
        return true;
    }

    /**
     * The recipient of the control message {@code {SEND, Unused, ToPid}} at the position, consumed; null (position
     * unchanged) for any other control message. Nearly every packet of an Erlang route is a SEND, and its head was
     * decoded as a tuple (and its element array) only to take the pid out of it.
     */
    OtpErlangPid sendRecipient() throws OtpErlangDecodeException {
        int start = pos;
        int at = start < count && (buf[start] & 0xff) == OtpExternal.versionTag ? start + 1 : start;
        if (count - at < 4 || (buf[at] & 0xff) != OtpExternal.smallTupleTag || buf[at + 1] != 3
                || (buf[at + 2] & 0xff) != OtpExternal.smallIntTag || buf[at + 3] != AbstractConnection.sendTag) {
            return null;
        }
        pos = at + 4;
        read_any(); // Unused: the cookie atom of old nodes, '' today
        int tag = peek1skip_version();
        if ((tag == OtpExternal.newPidTag || tag == OtpExternal.pidTag) && read_any() instanceof OtpErlangPid to) return to;
        pos = start;
        return null;
    }

    /** What is left to read, in a stream over an array of its own. */
    InterningInputStream rest() {
        byte[] copy = java.util.Arrays.copyOfRange(buf, pos, count);
        return new InterningInputStream(copy, 0, copy.length);
    }

    // Stock read2BE and read4BE allocate a byte[] per call (a list head, a binary's length, a pid's three numbers):
    // read in place when the bytes are there, as stock otherwise (its behaviour on a short input included).

    @Override
    public int read2BE() throws OtpErlangDecodeException {
        if (count - pos < 2) return super.read2BE();
        int v = (buf[pos] & 0xff) << 8 | buf[pos + 1] & 0xff;
        pos += 2;
        return v;
    }

    @Override
    public int read4BE() throws OtpErlangDecodeException {
        if (count - pos < 4) return super.read4BE();
        int v = (buf[pos] & 0xff) << 24 | (buf[pos + 1] & 0xff) << 16 | (buf[pos + 2] & 0xff) << 8 | buf[pos + 3] & 0xff;
        pos += 4;
        return v;
    }

    private static final OtpErlangLong[] SMALL_INTS = new OtpErlangLong[256];

    static {
        for (int i = 0; i < SMALL_INTS.length; i++) SMALL_INTS[i] = new OtpErlangLong(i);
    }

    private record PidEntry(byte[] key, OtpErlangPid pid) {}

    /**
     * Two-way: a pid is looked for in its slot and the one beside it, and a new one pushes the slot's entry to the
     * other way, so two busy pids that hash alike do not evict each other on every message.
     */
    private static final int PID_SLOTS = 4096; // a power of two
    private static final PidEntry[] PIDS = new PidEntry[PID_SLOTS];

    /**
     * The pid at the current position (its tag there, the version byte consumed) from a table of shared instances,
     * consuming it; null (position unchanged) when it is not one the table keeps. Every message of an Erlang route
     * carries two pids (the recipient in the control message, the proxy in the payload), the same few each time:
     * stock JInterface makes two {@link OtpErlangPid} objects per pid decoded (read_pid's and the copy
     * {@code new OtpErlangPid(stream)} makes of it), and a fresh pid hashes anew (allocating) on every lookup in the
     * node's pid table. Pids are immutable and compared by value, as atoms are; the table is bounded and lock-free,
     * as the atoms'.
     */
    private OtpErlangPid cachedPid() throws OtpErlangDecodeException {
        int start = pos;
        int tag = buf[start] & 0xff;
        int a = start + 1; // the node name's atom
        if (a + 2 >= count) return null;
        int atomTag = buf[a] & 0xff;
        int nameEnd;
        if (atomTag == OtpExternal.smallAtomUtf8Tag) {
            nameEnd = a + 2 + (buf[a + 1] & 0xff);
        } else if (atomTag == OtpExternal.atomUtf8Tag || atomTag == OtpExternal.atomTag) {
            nameEnd = a + 3 + ((buf[a + 1] & 0xff) << 8 | buf[a + 2] & 0xff);
        } else {
            return null;
        }
        int end = nameEnd + 8 + (tag == OtpExternal.newPidTag ? 4 : 1); // id, serial, creation
        if (end > count || end - start > MAX_CACHED + 16) return null;
        int h = 0;
        for (int i = start; i < end; i++) h = 31 * h + buf[i];
        int slot = (h ^ (h >>> 16)) & (PID_SLOTS - 1);
        PidEntry e = PIDS[slot];
        if (e != null && java.util.Arrays.equals(e.key, 0, e.key.length, buf, start, end)) {
            pos = end;
            return e.pid;
        }
        PidEntry other = PIDS[slot ^ 1];
        if (other != null && java.util.Arrays.equals(other.key, 0, other.key.length, buf, start, end)) {
            pos = end;
            return other.pid;
        }
        OtpErlangPid pid = read_pid(); // one object (stock read_any makes two)
        if (pos != end) throw new OtpErlangDecodeException("pid of unexpected length");
        if (e != null) PIDS[slot ^ 1] = e;
        PIDS[slot] = new PidEntry(java.util.Arrays.copyOfRange(buf, start, end), pid);
        return pid;
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
        // Read by CorralOtpNode.receive: the stream shares atoms already, no copy needed.
        if (in == null || in instanceof InterningInputStream) return m.getMsg();
        int n = in.available();
        if (n > MAX_COPIED) return m.getMsg();
        byte[] b = SCRATCH.get();
        in.mark(0);
        in.readN(b, 0, n);
        in.reset();
        return new InterningInputStream(b, 0, n).read_any();
    }
}
