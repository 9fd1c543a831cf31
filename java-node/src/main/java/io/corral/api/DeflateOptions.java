package io.corral.api;

/**
 * Cowboy 2.6+'s {@code deflate_opts} (the handler option map's {@code deflate_opts}): how permessage-deflate is
 * negotiated and how the server compresses. The negotiation follows cow_ws:negotiate_permessage_deflate/3: the
 * server may always answer no context takeover; a window may only shrink; a client that did not offer
 * {@code client_max_window_bits} cannot be given a smaller one (the offer is then declined, RFC 7692 7.1.2.2).
 *
 * @param level zlib level 0-9 ({@code best_compression} = 9, Cowboy's default; {@code best_speed} = 1)
 * @param memLevel zlib memLevel 1-9 (default 8)
 * @param strategy zlib strategy ({@code default}, {@code filtered}, {@code huffman_only}, {@code rle}): accepted for
 *     Cowboy compatibility; Netty's zlib encoders compress with the default strategy, which changes only how small
 *     the frames are, never what the client inflates
 * @param serverContextTakeover false: {@code server_no_context_takeover} is answered whatever the client offered
 * @param clientContextTakeover false: {@code client_no_context_takeover} is answered whatever the client offered
 * @param serverMaxWindowBits 8-15, the largest window the server compresses with (default 15)
 * @param clientMaxWindowBits 8-15, the largest window the client may compress with (default 15)
 */
public record DeflateOptions(int level, int memLevel, String strategy, boolean serverContextTakeover,
        boolean clientContextTakeover, int serverMaxWindowBits, int clientMaxWindowBits) {

    /** Cowboy's defaults (cow_ws:negotiate_permessage_deflate1/3, init_permessage_deflate/3). */
    public static final DeflateOptions DEFAULTS = new DeflateOptions(9, 8, "default", true, true, 15, 15);

    /**
     * Checks every value's range.
     *
     * @throws IllegalArgumentException when a value is out of its range
     */
    public DeflateOptions {
        if (level < 0 || level > 9) throw new IllegalArgumentException("deflate_opts level must be 0-9: " + level);
        if (memLevel < 1 || memLevel > 9) throw new IllegalArgumentException("deflate_opts mem_level must be 1-9: " + memLevel);
        if (!java.util.List.of("default", "filtered", "huffman_only", "rle").contains(strategy)) {
            throw new IllegalArgumentException("deflate_opts strategy must be default, filtered, huffman_only or rle: " + strategy);
        }
        if (serverMaxWindowBits < 8 || serverMaxWindowBits > 15 || clientMaxWindowBits < 8 || clientMaxWindowBits > 15) {
            throw new IllegalArgumentException("deflate_opts window bits must be 8-15");
        }
    }

    /**
     * A builder that starts from {@link #DEFAULTS}.
     *
     * @return a builder holding Cowboy's defaults
     */
    public static Builder builder() {
        return new Builder(DEFAULTS);
    }

    /**
     * Builds {@link DeflateOptions}; every value starts at Cowboy's default.
     *
     */
    public static final class Builder {
        private int level, memLevel, serverMaxWindowBits, clientMaxWindowBits;
        private String strategy;
        private boolean serverContextTakeover, clientContextTakeover;

        private Builder(DeflateOptions o) {
            level = o.level;
            memLevel = o.memLevel;
            strategy = o.strategy;
            serverContextTakeover = o.serverContextTakeover;
            clientContextTakeover = o.clientContextTakeover;
            serverMaxWindowBits = o.serverMaxWindowBits;
            clientMaxWindowBits = o.clientMaxWindowBits;
        }

        /**
         * The zlib level.
         *
         * @param v 0-9
         * @return this builder
         */
        public Builder level(int v) {
            level = v;
            return this;
        }

        /**
         * Cowboy's level atoms: {@code none}, {@code default}, {@code best_compression}, {@code best_speed}.
         *
         * @param v the atom's name
         * @return this builder
         * @throws IllegalArgumentException for another name
         */
        public Builder level(String v) {
            level = switch (v) {
                case "none" -> 0;
                case "default" -> 6;
                case "best_compression" -> 9;
                case "best_speed" -> 1;
                default -> throw new IllegalArgumentException("unknown deflate_opts level " + v);
            };
            return this;
        }

        /**
         * The zlib memLevel.
         *
         * @param v 1-9
         * @return this builder
         */
        public Builder memLevel(int v) {
            memLevel = v;
            return this;
        }

        /**
         * The zlib strategy.
         *
         * @param v {@code default}, {@code filtered}, {@code huffman_only} or {@code rle}
         * @return this builder
         */
        public Builder strategy(String v) {
            strategy = v;
            return this;
        }

        /**
         * Whether the server keeps its compression context between messages.
         *
         * @param v false to answer {@code server_no_context_takeover}
         * @return this builder
         */
        public Builder serverContextTakeover(boolean v) {
            serverContextTakeover = v;
            return this;
        }

        /**
         * Whether the client may keep its compression context between messages.
         *
         * @param v false to answer {@code client_no_context_takeover}
         * @return this builder
         */
        public Builder clientContextTakeover(boolean v) {
            clientContextTakeover = v;
            return this;
        }

        /**
         * The largest window the server compresses with.
         *
         * @param v 8-15
         * @return this builder
         */
        public Builder serverMaxWindowBits(int v) {
            serverMaxWindowBits = v;
            return this;
        }

        /**
         * The largest window the client may compress with.
         *
         * @param v 8-15
         * @return this builder
         */
        public Builder clientMaxWindowBits(int v) {
            clientMaxWindowBits = v;
            return this;
        }

        /**
         * The options.
         *
         * @return the options
         * @throws IllegalArgumentException when a value is out of its range
         */
        public DeflateOptions build() {
            return new DeflateOptions(level, memLevel, strategy, serverContextTakeover, clientContextTakeover,
                    serverMaxWindowBits, clientMaxWindowBits);
        }
    }
}
