package com.ericsson.otp.erlang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The interning decoder reads every term as JInterface's own does; only the atom instances are shared. */
class InterningInputStreamTest {

    private static byte[] encode(OtpErlangObject term) {
        OtpOutputStream out = new OtpOutputStream();
        out.write1(OtpExternal.versionTag);
        out.write_any(term);
        return out.toByteArray();
    }

    private static OtpErlangObject interned(byte[] b) throws OtpErlangDecodeException {
        return new InterningInputStream(b, 0, b.length).read_any();
    }

    private static OtpErlangObject stock(byte[] b) throws OtpErlangDecodeException {
        return new OtpInputStream(b, 0).read_any();
    }

    private static OtpErlangAtom atom(String s) {
        return new OtpErlangAtom(s);
    }

    private static final OtpErlangPid PROXY = new OtpErlangPid("bridge@localhost", 7, 0, 1);

    /** A replies message as erlang-bridge sends it: the shape the interning decoder is for. */
    private static OtpErlangObject replies() {
        OtpErlangObject text = new OtpErlangTuple(new OtpErlangObject[] {atom("text"), new OtpErlangBinary("hi".getBytes())});
        OtpErlangObject answers = new OtpErlangList(new OtpErlangObject[] {
                new OtpErlangList(new OtpErlangObject[] {text}), new OtpErlangList(new OtpErlangObject[] {text, atom("hibernate")}),
                new OtpErlangList()});
        return new OtpErlangTuple(new OtpErlangObject[] {atom("$corral"), new OtpErlangLong(2), atom("replies"), PROXY, answers});
    }

    @Test
    void aBridgeMessageDecodesToTheSameTermAsWithJInterface() throws Exception {
        byte[] b = encode(replies());
        assertEquals(stock(b), interned(b), "the interning decoder must not change any value");
        assertEquals(replies(), interned(b));
    }

    @Test
    void theSameAtomDecodedTwiceIsOneInstanceAndPidsShareTheirNodeName() throws Exception {
        byte[] b = encode(replies());
        OtpErlangTuple one = (OtpErlangTuple) interned(b);
        OtpErlangTuple two = (OtpErlangTuple) interned(b);
        assertSame(one.elementAt(0), two.elementAt(0), "'$corral' is decoded once and shared after that");
        assertSame(one.elementAt(2), two.elementAt(2), "so is replies");
        assertSame(((OtpErlangPid) one.elementAt(3)).node(), ((OtpErlangPid) two.elementAt(3)).node(),
                "a pid's node name comes from the same table: no String per pid");
    }

    @Test
    void latin1AndUtf8AtomsWithTheSameCharactersKeepTheirOwnValues() throws Exception {
        // ATOM_EXT (latin-1) and ATOM_UTF8_EXT spell "é" with different bytes; both must decode to "é".
        byte[] latin1 = {(byte) 131, 100, 0, 1, (byte) 0xe9};
        byte[] utf8 = {(byte) 131, 118, 0, 2, (byte) 0xc3, (byte) 0xa9};
        byte[] utf8Small = {(byte) 131, 119, 2, (byte) 0xc3, (byte) 0xa9};
        assertEquals(atom("é"), interned(latin1));
        assertEquals(atom("é"), interned(utf8));
        assertEquals(atom("é"), interned(utf8Small));
        assertEquals(stock(latin1), interned(latin1));
        // A latin-1 byte sequence that is also a valid UTF-8 one must not be taken for it.
        byte[] twoLatin1 = {(byte) 131, 100, 0, 2, (byte) 0xc3, (byte) 0xa9};
        assertEquals(new OtpErlangAtom(new String(new byte[] {(byte) 0xc3, (byte) 0xa9}, StandardCharsets.ISO_8859_1)),
                interned(twoLatin1), "the encoding is part of an atom's key");
    }

    @Test
    void longAtomsAreDecodedAsJInterfaceDoesWithoutATableSlot() throws Exception {
        String longName = "a".repeat(InterningInputStream.MAX_CACHED + 1);
        byte[] b = encode(new OtpErlangTuple(new OtpErlangObject[] {atom(longName), atom("short")}));
        OtpErlangTuple one = (OtpErlangTuple) interned(b);
        OtpErlangTuple two = (OtpErlangTuple) interned(b);
        assertEquals(atom(longName), one.elementAt(0));
        assertNotSame(one.elementAt(0), two.elementAt(0), "atoms over MAX_CACHED bytes are not kept");
        assertSame(one.elementAt(1), two.elementAt(1));
    }

    @Test
    void manyDifferentAtomsStillDecodeRightWhenTheyCollideInTheTable() throws Exception {
        for (int i = 0; i < 5000; i++) {
            byte[] b = encode(new OtpErlangTuple(new OtpErlangObject[] {atom("atom_" + i), new OtpErlangLong(i)}));
            assertEquals(stock(b), interned(b), "atom_" + i);
        }
    }

    @Test
    void aPayloadBiggerThanTheCopyLimitIsDecodedInPlace() throws Exception {
        OtpErlangObject big = new OtpErlangTuple(new OtpErlangObject[] {atom("binary"),
                new OtpErlangBinary(new byte[InterningInputStream.MAX_COPIED * 2])});
        byte[] b = encode(big);
        OtpMsg m = new OtpMsg(PROXY, new OtpInputStream(b, 0));
        assertEquals(big, InterningInputStream.payload(m));
        byte[] small = encode(replies());
        assertEquals(replies(), InterningInputStream.payload(new OtpMsg(PROXY, new OtpInputStream(small, 0))));
        assertEquals(replies(), InterningInputStream.payload(new OtpMsg(PROXY, replies())), "a local message has no buffer");
    }

    @Test
    void theSamePidDecodedTwiceIsOneInstanceEqualToJInterfacesOwn() throws Exception {
        byte[] b = encode(replies());
        OtpErlangPid one = (OtpErlangPid) ((OtpErlangTuple) interned(b)).elementAt(3);
        OtpErlangPid two = (OtpErlangPid) ((OtpErlangTuple) interned(b)).elementAt(3);
        assertSame(one, two, "a pid is decoded once and shared after that (its hash code with it)");
        assertEquals(PROXY, one);
        assertEquals(((OtpErlangTuple) stock(b)).elementAt(3), one);
        OtpErlangPid other = new OtpErlangPid("bridge@localhost", 8, 0, 1);
        assertEquals(other, interned(encode(other)), "a pid that differs in one number is its own entry");
        OtpErlangPid creation = new OtpErlangPid("bridge@localhost", 7, 0, 2);
        assertEquals(creation, interned(encode(creation)), "and one that differs in its creation only");
        // PID_EXT (tag 103, one-byte creation), as older nodes send it: decoded as JInterface does.
        byte[] old = {(byte) 131, 103, 119, 1, 'n', 0, 0, 0, 5, 0, 0, 0, 0, 3};
        assertEquals(stock(old), interned(old));
        assertSame(interned(old), interned(old));
        for (int i = 0; i < 3000; i++) {
            OtpErlangPid p = new OtpErlangPid("node_" + (i % 7) + "@h", i, i % 3, i);
            assertEquals(p, interned(encode(p)), "pids that collide in the table still decode right: " + p);
        }
    }

    @Test
    void aTruncatedPidOrIntegerFailsOrReadsAsJInterfaceDoes() throws Exception {
        byte[] b = encode(PROXY);
        for (int n = 2; n < b.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(b, n);
            String expected;
            try {
                expected = String.valueOf(stock(cut));
            } catch (OtpErlangDecodeException e) {
                expected = "fails";
            }
            String actual;
            try {
                actual = String.valueOf(interned(cut));
            } catch (OtpErlangDecodeException e) {
                actual = "fails";
            }
            assertEquals(expected, actual, "a pid cut to " + n + " bytes");
        }
        byte[] i = encode(new OtpErlangLong(1L << 40));
        assertEquals(stock(i), interned(i));
        byte[] cutInt = java.util.Arrays.copyOf(encode(new OtpErlangLong(100_000)), 4);
        String expected;
        try {
            expected = String.valueOf(stock(cutInt));
        } catch (OtpErlangDecodeException e) {
            expected = "fails";
        }
        String actual;
        try {
            actual = String.valueOf(interned(cutInt));
        } catch (OtpErlangDecodeException e) {
            actual = "fails";
        }
        assertEquals(expected, actual, "a four-byte integer cut short reads as stock JInterface reads it");
    }

    /** A distribution control message with a version byte, followed by a payload, as in a pass-through packet. */
    private static byte[] packet(OtpErlangObject head, OtpErlangObject payload) {
        OtpOutputStream out = new OtpOutputStream();
        out.write1(OtpExternal.versionTag);
        out.write_any(head);
        out.write1(OtpExternal.versionTag);
        out.write_any(payload);
        return out.toByteArray();
    }

    @Test
    void aSendHeadGivesItsRecipientAndLeavesTheStreamAtThePayload() throws Exception {
        byte[] b = packet(new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangLong(AbstractConnection.sendTag),
                atom(""), PROXY}), replies());
        InterningInputStream in = new InterningInputStream(b, 0, b.length);
        assertEquals(PROXY, in.sendRecipient(), "the pid the head names");
        assertEquals(replies(), in.read_any(), "the payload follows, read as before");
    }

    @Test
    void anyOtherControlMessageIsLeftToTheTermDecoder() throws Exception {
        OtpErlangPid from = new OtpErlangPid("erl@localhost", 9, 0, 1);
        for (OtpErlangObject head : new OtpErlangObject[] {
                new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangLong(6), from, atom(""), atom("corral")}), // REG_SEND
                new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangLong(1), from, PROXY}), // LINK
                new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangLong(12), atom(""), PROXY, atom("token")}), // SEND_TT
                new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangLong(2), atom(""), atom("not_a_pid")})}) {
            byte[] b = packet(head, atom("payload"));
            InterningInputStream in = new InterningInputStream(b, 0, b.length);
            assertEquals(null, in.sendRecipient(), "not a SEND to a pid: " + head);
            assertEquals(0, in.getPos(), "nothing consumed: " + head);
            assertEquals(head, in.read_any(), "the term decoder reads it from where it was");
        }
    }

    @Test
    void skipIfConsumesExactlyTheBytesItIsGivenAndNothingElse() throws Exception {
        byte[] b = encode(replies());
        byte[] pid = new OtpOutputStream(PROXY).toByteArray();
        byte[] prefix = java.util.Arrays.copyOfRange(b, 1, 10);
        InterningInputStream in = new InterningInputStream(b, 0, b.length);
        assertEquals(false, in.skipIf(pid), "other bytes: not consumed");
        assertEquals(0, in.getPos());
        assertEquals(true, in.skipIf(prefix), "the bytes after the version byte");
        assertEquals(10, in.getPos());
        byte[] longer = new byte[b.length + 5];
        InterningInputStream shortIn = new InterningInputStream(b, 0, b.length);
        assertEquals(false, shortIn.skipIf(longer), "more bytes than the stream holds");
    }
}
