package io.corral.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.api.TerminateReason;
import org.junit.jupiter.api.Test;

/** The closed list of terminate reasons in each generation's shape (docs/contract/close.md). */
class ReasonsTest {

    @Test
    void twoXShapes() {
        assertEquals("normal", Reasons.twoX(TerminateReason.NORMAL).toString());
        assertEquals("stop", Reasons.twoX(TerminateReason.STOP).toString());
        assertEquals("timeout", Reasons.twoX(TerminateReason.TIMEOUT).toString());
        assertEquals("remote", Reasons.twoX(TerminateReason.REMOTE).toString());
        assertEquals("{error,closed}", Reasons.twoX(TerminateReason.CLOSED).toString());
        assertEquals("{crash,error,boom}", Reasons.twoX(new TerminateReason.Crash("error",
                com.ericsson.otp.erlang.OtpErlangAtom.class.cast(new com.ericsson.otp.erlang.OtpErlangAtom("boom")))).toString());
    }

    @Test
    void oneXShapes() {
        assertEquals("{normal,shutdown}", Reasons.oneX(TerminateReason.STOP).toString());
        assertEquals("{normal,timeout}", Reasons.oneX(TerminateReason.TIMEOUT).toString());
        assertEquals("{remote,closed}", Reasons.oneX(TerminateReason.REMOTE).toString());
        assertEquals("{error,badframe}", Reasons.oneX(TerminateReason.BADFRAME).toString());
        assertEquals("{error,badencoding}", Reasons.oneX(TerminateReason.BADENCODING).toString());
        assertEquals("{error,handler}", Reasons.oneX(new TerminateReason.Crash("error", new RuntimeException())).toString());
    }
}
