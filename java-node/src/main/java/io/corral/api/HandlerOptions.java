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

    /**
     * No limit: Cowboy's {@code infinity}.
     *
     */
    public static final long INFINITY = Long.MAX_VALUE;

    /** Cowboy 2.17+ defaults: 60 s idle timeout, 1 MB frames, no compression, UTF-8 validated. */
    public static final HandlerOptions DEFAULTS = new HandlerOptions(60_000, 1_000_000, false, true,
            DeflateOptions.DEFAULTS);

    /**
     * A builder that starts from {@link #DEFAULTS}.
     *
     * @return a builder holding Cowboy's defaults
     */
    public static Builder builder() {
        return new Builder(DEFAULTS);
    }

    /**
     * A builder that starts from these options.
     *
     * @return a builder holding these options
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Builds {@link HandlerOptions}.
     *
     */
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

        /**
         * {@code idle_timeout}.
         *
         * @param v milliseconds, positive, or {@link #INFINITY}
         * @return this builder
         */
        public Builder idleTimeoutMillis(long v) {
            idleTimeoutMillis = v;
            return this;
        }

        /**
         * {@code max_frame_size}.
         *
         * @param v bytes, or {@link #INFINITY}
         * @return this builder
         */
        public Builder maxFrameSize(long v) {
            maxFrameSize = v;
            return this;
        }

        /**
         * {@code compress}.
         *
         * @param v true to accept permessage-deflate
         * @return this builder
         */
        public Builder compress(boolean v) {
            compress = v;
            return this;
        }

        /**
         * {@code validate_utf8}.
         *
         * @param v false to skip the check
         * @return this builder
         */
        public Builder validateUtf8(boolean v) {
            validateUtf8 = v;
            return this;
        }

        /**
         * {@code deflate_opts}.
         *
         * @param v the options
         * @return this builder
         */
        public Builder deflate(DeflateOptions v) {
            deflate = v;
            return this;
        }

        /**
         * The options.
         *
         * @return the options
         * @throws IllegalArgumentException for a non-positive idle timeout or a negative frame size
         */
        public HandlerOptions build() {
            if (idleTimeoutMillis <= 0) throw new IllegalArgumentException("idle_timeout must be positive: " + idleTimeoutMillis);
            if (maxFrameSize < 0) throw new IllegalArgumentException("max_frame_size must not be negative: " + maxFrameSize);
            return new HandlerOptions(idleTimeoutMillis, maxFrameSize, compress, validateUtf8, deflate);
        }
    }
}
