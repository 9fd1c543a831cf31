package io.corral.erlang;

import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangTuple;
import com.ericsson.otp.erlang.OtpOutputStream;
import java.util.Arrays;

/**
 * The two terms every frame of an Erlang route sends, {@code {'$corral', 2, events, [Event]}} and
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

    /** {@code {'$corral', 2, events, } up to the list. */
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

    /** {@code {frame, {Kind, Bin}}}: the prefix up to the binary is one constant per kind. */
    static final class Frame extends EncodedTerm {
        private final byte[] prefix;
        private final OtpErlangObject kind;
        private final byte[] payload;

        /** Takes {@code payload} as it is (a frame's payload, copied once out of Netty's buffer for this event). */
        Frame(byte[] prefix, OtpErlangObject kind, byte[] payload) {
            this.prefix = prefix;
            this.kind = kind;
            this.payload = payload;
        }

        /** The prefix of a frame event of {@code kind}: {@code {frame, {Kind, } up to the binary. */
        static byte[] prefix(OtpErlangObject kind) {
            byte[] outer = encoded(2, BridgeContract.FRAME);
            byte[] inner = encoded(2, kind);
            byte[] all = Arrays.copyOf(outer, outer.length + inner.length);
            System.arraycopy(inner, 0, all, outer.length, inner.length);
            return all;
        }

        @Override
        public void encode(OtpOutputStream buf) {
            buf.writeN(prefix);
            buf.write_binary(payload); // BINARY_EXT: tag, 4-byte length, the bytes from this array
        }

        @Override
        OtpErlangTuple term() {
            return new OtpErlangTuple(new OtpErlangObject[] {BridgeContract.FRAME,
                    new OtpErlangTuple(new OtpErlangObject[] {kind, new AdoptedBinary(payload)})});
        }

        @Override
        public boolean equals(Object o) {
            if (o instanceof Frame f) return kind.equals(f.kind) && Arrays.equals(payload, f.payload);
            return term().equals(o);
        }
    }
}
