package io.corral.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.corral.api.TerminateReason;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A process's exit reason given as text: an atom when one can hold it, a binary past an atom's 255 characters. */
class ExitReasonTermsTest {

    @Test
    void aShortTextReasonIsAnAtomAndALongOneABinary() {
        assertEquals(new OtpErlangAtom("normal"), WsConnection.Terms.exitReason("normal"));
        String atMost = "a".repeat(OtpErlangAtom.maxAtomLength);
        assertEquals(new OtpErlangAtom(atMost), WsConnection.Terms.exitReason(atMost));
        String description = "erlang-bridge answered more events than it was sent: " + "x".repeat(300);
        assertEquals(new OtpErlangBinary(description.getBytes(StandardCharsets.UTF_8)),
                WsConnection.Terms.exitReason(description), "too long for an atom: a binary, not an exception");
        OtpErlangObject crash = WsConnection.Terms.crashExitReason(new TerminateReason.Crash("error", description));
        assertEquals(new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangAtom("crash"), new OtpErlangAtom("error"),
                new OtpErlangBinary(description.getBytes(StandardCharsets.UTF_8))}), crash);
    }
}
