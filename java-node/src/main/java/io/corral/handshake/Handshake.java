package io.corral.handshake;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Small facts of the opening handshake (RFC 6455 section 4.2.2). */
public final class Handshake {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** Exit reason of a connection process whose client went away before the upgrade was decided. */
    static final OtpErlangObject CLOSED_BEFORE_UPGRADE =
            new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangAtom("shutdown"), new OtpErlangAtom("closed")});

    private Handshake() {}

    /** {@code Sec-WebSocket-Accept} for a client key: base64(SHA-1(key + GUID)). Same for versions 7, 8 and 13. */
    public static String accept(String key) {
        MessageDigest sha1 = SHA1.get();
        sha1.reset();
        return Base64.getEncoder().encodeToString(sha1.digest((key.trim() + GUID).getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * One digest per thread (the event loops), as Netty's own handshaker keeps it: looking a provider up and making
     * a new digest was the largest allocation of an upgrade (about 1.5 KB each).
     */
    private static final FastThreadLocal<MessageDigest> SHA1 = new FastThreadLocal<>() {
        @Override
        protected MessageDigest initialValue() {
            try {
                return MessageDigest.getInstance("SHA-1");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK has no SHA-1", e);
            }
        }
    };
}
