package com.ericsson.otp.erlang;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** The interning encoder writes every term byte for byte as JInterface's own does, the first time and every time after. */
class InterningOutputStreamTest {

    private static byte[] stock(OtpErlangObject term) {
        OtpOutputStream out = new OtpOutputStream();
        out.write_any(term);
        return out.toByteArray();
    }

    private static byte[] interned(OtpErlangObject term) {
        OtpOutputStream out = new InterningOutputStream(16);
        out.write_any(term);
        return out.toByteArray();
    }

    private static OtpErlangAtom atom(String s) {
        return new OtpErlangAtom(s);
    }

    @Test
    void atomsOfEveryKindEncodeAsJInterfaceEncodesThemAgainAndAgain() {
        OtpErlangObject[] terms = {
            atom("$corral"), atom(""), atom("text"), atom("ä_latin1"), atom("日本"),
            atom("a".repeat(InterningInputStream.MAX_CACHED)), atom("b".repeat(InterningInputStream.MAX_CACHED + 1)),
            atom("x".repeat(255)),
            new OtpErlangPid("bridge@localhost", 7, 0, 1),
            new OtpErlangTuple(new OtpErlangObject[] {atom("$corral"), new OtpErlangLong(2), atom("frame"),
                    new OtpErlangTuple(new OtpErlangObject[] {atom("text"), new OtpErlangBinary("hi".getBytes())})}),
        };
        for (int round = 0; round < 3; round++) { // the first round fills the table, the later ones read it
            for (OtpErlangObject t : terms) {
                assertArrayEquals(stock(t), interned(t), "round " + round + ", " + t + ": the same bytes as stock");
            }
        }
    }

    @Test
    void atomsThatShareASlotEachKeepTheirOwnEncoding() {
        // 256 slots: among 2,000 distinct atoms many collide, and each must still encode as itself.
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 2_000; i++) {
                OtpErlangAtom a = atom("atom_" + i);
                assertArrayEquals(stock(a), interned(a), a + " in round " + round);
            }
        }
    }
}
