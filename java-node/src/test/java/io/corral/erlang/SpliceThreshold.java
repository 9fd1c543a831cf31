package io.corral.erlang;

/** For tests in other packages: the size from which an Erlang route's payloads travel in Netty's buffers. */
public final class SpliceThreshold {
    private SpliceThreshold() {}

    /** {@link EncodedEvents#SPLICE_MIN}. */
    public static final int SPLICE_MIN = EncodedEvents.SPLICE_MIN;
}
