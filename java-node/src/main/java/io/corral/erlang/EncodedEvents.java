package io.corral.erlang;

import com.ericsson.otp.erlang.InterningOutputStream;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangTuple;
import com.ericsson.otp.erlang.OtpExternal;
import com.ericsson.otp.erlang.OtpOutputStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.Arrays;

/**
 * The two terms every frame of an Erlang route sends, {@code {'$corral', 3, events, [Event]}} and
 * {@code {frame, {text|binary, Bin}}}, as objects that write their external term format straight into the encode
 * buffer: their fixed parts (tuple heads, atoms) are encoded once, here, and a frame's payload is written from its own
 * array. Built as JInterface terms they were two tuples (each copying its element array), a list (copying its own),
 * a binary and their arrays per frame, and every atom of them encoded anew. The bytes are the same
 * ({@code BridgeContractTest}); as terms they compare and print as the tuples they stand for.
 *
 * <p>Hand-written because JInterface encodes only its own term classes; {@link OtpErlangObject#encode} is its
 * extension point for this.
 */
final class EncodedEvents extends EncodedTerm {

    /**
     * Payloads from this size on travel between the client's socket and the distribution channel in Netty's buffers
     * (spliced into the distribution packet on the way out, a retained slice of the packet on the way back), smaller
     * ones as arrays. Netty's WebSocket encoder gathers a payload from 1 KiB on
     * ({@code WebSocket08FrameEncoder.GATHERING_WRITE_THRESHOLD}); here a buffer's reference counting, its slice
     * objects and the extra pieces of a gathering write are paid per message instead of a copy of the payload.
     */
    static final int SPLICE_MIN = 2048;

    /** {@code {'$corral', 3, events, } up to the list. */
    private static final byte[] HEAD = encoded(4, BridgeContract.TAG, BridgeContract.VSN, BridgeContract.EVENTS);

    private final OtpErlangObject[] events;

    /** Takes {@code events} as it is: the caller made it for this message alone. */
    EncodedEvents(OtpErlangObject[] events) {
        this.events = events;
    }

    @Override
    public void encode(OtpOutputStream buf) {
        buf.writeN(HEAD);
        if (events.length > 0) {
            buf.write_list_head(events.length);
            for (OtpErlangObject e : events) buf.write_any(e);
        }
        buf.write_nil();
    }

    /** The term this stands for, built as JInterface would have built it. */
    @Override
    OtpErlangTuple term() {
        return new OtpErlangTuple(new OtpErlangObject[] {BridgeContract.TAG, BridgeContract.VSN, BridgeContract.EVENTS,
                new OtpErlangList(events)});
    }

    /**
     * Gives back the buffers of the frames this message holds ({@link Frame#of(byte[], OtpErlangObject, ByteBuf)}):
     * once it was written, or when it will not be. Whoever sends it calls this once ({@code Outbox.Send}).
     */
    void release() {
        for (OtpErlangObject e : events) if (e instanceof Frame f) f.release();
    }

    /** Releases the buffers {@code msg} holds, if it is a message of frame events. */
    static void release(OtpErlangObject msg) {
        if (msg instanceof EncodedEvents e) e.release();
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof EncodedEvents e) return Arrays.equals(events, e.events);
        return term().equals(o);
    }

    /** A tuple's head and its first elements, encoded (no version byte: the message's is written before it). */
    static byte[] encoded(int arity, OtpErlangObject... first) {
        OtpOutputStream out = new OtpOutputStream();
        out.write_tuple_head(arity);
        for (OtpErlangObject o : first) out.write_any(o);
        return out.toByteArray();
    }

    /**
     * {@code {frame, {Kind, Bin}}}: the prefix up to the binary is one constant per kind. The payload is an array, or
     * a buffer (a large payload, {@link RemoteEndpoint}): an encoding that splices ({@link InterningOutputStream#splice},
     * the distribution send) takes the buffer itself after the binary's length, so the payload reaches the channel
     * without a copy; any other encoding copies it.
     */
    static final class Frame extends EncodedTerm {
        private final byte[] prefix;
        private final OtpErlangObject kind;
        private final byte[] payload;
        /** The payload as a buffer, a reference of this frame's own; null when it is {@link #payload}. */
        private final ByteBuf content;

        /** Takes {@code payload} as it is (a frame's payload, copied once out of Netty's buffer for this event). */
        Frame(byte[] prefix, OtpErlangObject kind, byte[] payload) {
            this.prefix = prefix;
            this.kind = kind;
            this.payload = payload;
            this.content = null;
        }

        private Frame(byte[] prefix, OtpErlangObject kind, ByteBuf content) {
            this.prefix = prefix;
            this.kind = kind;
            this.payload = null;
            this.content = content;
        }

        /** Takes over the caller's reference of {@code content}; {@link #release} gives it back. */
        static Frame of(byte[] prefix, OtpErlangObject kind, ByteBuf content) {
            return new Frame(prefix, kind, content);
        }

        /** The prefix of a frame event of {@code kind}: {@code {frame, {Kind, } up to the binary. */
        static byte[] prefix(OtpErlangObject kind) {
            byte[] outer = encoded(2, BridgeContract.FRAME);
            byte[] inner = encoded(2, kind);
            byte[] all = Arrays.copyOf(outer, outer.length + inner.length);
            System.arraycopy(inner, 0, all, outer.length, inner.length);
            return all;
        }

        /** Once: a second call does nothing. */
        void release() {
            if (content != null && !released) {
                released = true;
                content.release();
            }
        }

        private boolean released;

        @Override
        public void encode(OtpOutputStream buf) {
            buf.writeN(prefix);
            if (content == null) {
                buf.write_binary(payload); // BINARY_EXT: tag, 4-byte length, the bytes from this array
            } else if (buf instanceof InterningOutputStream s && s.splicing()) {
                buf.write1(OtpExternal.binTag);
                buf.write4BE(content.readableBytes());
                s.splice(content);
            } else {
                buf.write_binary(bytes());
            }
        }

        private byte[] bytes() {
            return content == null ? payload : ByteBufUtil.getBytes(content, content.readerIndex(),
                    content.readableBytes(), true);
        }

        @Override
        OtpErlangTuple term() {
            return new OtpErlangTuple(new OtpErlangObject[] {BridgeContract.FRAME,
                    new OtpErlangTuple(new OtpErlangObject[] {kind, new AdoptedBinary(bytes())})});
        }

        @Override
        public boolean equals(Object o) {
            if (o instanceof Frame f) return kind.equals(f.kind) && Arrays.equals(bytes(), f.bytes());
            return term().equals(o);
        }
    }
}
