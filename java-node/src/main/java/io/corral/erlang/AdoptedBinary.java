package io.corral.erlang;

import com.ericsson.otp.erlang.OtpErlangBinary;

/**
 * A binary that takes the array it is given instead of copying it, as {@link OtpErlangBinary#OtpErlangBinary(byte[])}
 * does. Only for arrays nobody else writes: a frame's payload, copied once out of Netty's buffer, goes to erlang-bridge
 * without a second copy.
 */
final class AdoptedBinary extends OtpErlangBinary {
    private static final byte[] NONE = new byte[0];

    AdoptedBinary(byte[] owned) {
        super(NONE);
        this.bin = owned;
    }
}
