package io.corral.api;

/**
 * Per-handler options, Cowboy 2.x's Opts map (fourth element of the {@code init/2} return).
 *
 * @param idleTimeoutMillis {@code idle_timeout}; {@link #INFINITY} for none
 * @param maxFrameSize {@code max_frame_size}, applied to each frame, to reassembled messages and to inflated
 *     messages; {@link #INFINITY} for none
 * @param compress {@code compress}: accept permessage-deflate when the client offers it
 * @param validateUtf8 {@code validate_utf8}: close with 1007 on invalid UTF-8 in text and close reasons
 * @param deflate {@code deflate_opts}: how permessage-deflate is negotiated and compressed ({@link DeflateOptions})
 */
public record HandlerOptions(long idleTimeoutMillis, long maxFrameSize, boolean compress, boolean validateUtf8,
        DeflateOptions deflate) {

    public static final long INFINITY = Long.MAX_VALUE;

    /** Cowboy 2.17+ defaults: 60 s idle timeout, 1 MB frames, no compression, UTF-8 validated. */
    public static final HandlerOptions DEFAULTS = new HandlerOptions(60_000, 1_000_000, false, true,
            DeflateOptions.DEFAULTS);

    public static Builder builder() {
        return new Builder(DEFAULTS);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public static final class Builder {
        private long idleTimeoutMillis;
        private long maxFrameSize;
        private boolean compress;
        private boolean validateUtf8;
        private DeflateOptions deflate;

        private Builder(HandlerOptions o) {
            idleTimeoutMillis = o.idleTimeoutMillis;
            maxFrameSize = o.maxFrameSize;
            compress = o.compress;
            validateUtf8 = o.validateUtf8;
            deflate = o.deflate;
        }

        public Builder idleTimeoutMillis(long v) {
            idleTimeoutMillis = v;
            return this;
        }

        public Builder maxFrameSize(long v) {
            maxFrameSize = v;
            return this;
        }

        public Builder compress(boolean v) {
            compress = v;
            return this;
        }

        public Builder validateUtf8(boolean v) {
            validateUtf8 = v;
            return this;
        }

        public Builder deflate(DeflateOptions v) {
            deflate = v;
            return this;
        }

        public HandlerOptions build() {
            if (idleTimeoutMillis <= 0) throw new IllegalArgumentException("idle_timeout must be positive: " + idleTimeoutMillis);
            if (maxFrameSize < 0) throw new IllegalArgumentException("max_frame_size must not be negative: " + maxFrameSize);
            return new HandlerOptions(idleTimeoutMillis, maxFrameSize, compress, validateUtf8, deflate);
        }
    }
}
