package io.corral.config;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one listener enforces before and during the HTTP upgrade; every default and its unit is here and nowhere else,
 * as Cowboy's {@code cowboy_http} options and Netty's {@code HttpDecoderConfig} keep theirs. The names in
 * {@link Builder#option} are Cowboy's, so the Erlang-side start API can pass a listener's protocol options as given.
 *
 * @param requestTimeoutMillis {@code request_timeout}, milliseconds from accept to a complete request: no request
 *     line by then closes the connection, a partial request is answered 408 (cowboy_http:timeout/2). Default 5000.
 * @param maxHeaders {@code max_headers}: more headers are answered 431. Default 100.
 * @param maxHeaderNameLength {@code max_header_name_length}, bytes: a longer name is answered 431. Default 64.
 * @param maxHeaderValueLength {@code max_header_value_length}, bytes: a longer value is answered 431. Default 4096.
 * @param maxRequestLineLength {@code max_request_line_length}, bytes: a longer request line is answered 414.
 *     Default 8000.
 * @param maxConnections ranch's {@code max_connections}: open connections of this listener, upgraded or not; a
 *     connection over it is answered 503 and closed. Default: the process's open-file limit less a quarter of it
 *     (at most 1024 held back for the Erlang distribution, files and the JVM), or 1024 when the limit is unknown.
 * @param compress Cowboy 1.x's listener-wide {@code compress} protocol option: 1.x routes (which have no per-handler
 *     options) accept {@code x-webkit-deflate-frame} and {@code deflate-frame} when it is on. Default false.
 * @param allowedOrigins origins allowed to upgrade on every route of this listener (exact, or
 *     {@code scheme://*.domain} for any subdomain); empty: no check (default, as Cowboy).
 */
public record ListenerSettings(long requestTimeoutMillis, int maxHeaders, int maxHeaderNameLength,
        int maxHeaderValueLength, int maxRequestLineLength, int maxConnections, boolean compress,
        List<String> allowedOrigins) {

    public static final long DEFAULT_REQUEST_TIMEOUT_MILLIS = 5000;
    public static final int DEFAULT_MAX_HEADERS = 100;
    public static final int DEFAULT_MAX_HEADER_NAME_LENGTH = 64;
    public static final int DEFAULT_MAX_HEADER_VALUE_LENGTH = 4096;
    public static final int DEFAULT_MAX_REQUEST_LINE_LENGTH = 8000;
    public static final int DEFAULT_MAX_CONNECTIONS = defaultMaxConnections();

    public static final ListenerSettings DEFAULTS = builder().build();

    public ListenerSettings {
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    /**
     * The most bytes of headers a request may carry: every header at its longest, with its colon, space and CRLF. Netty's
     * decoder bounds the whole block with it (memory); the per-header limits are checked on what it decoded.
     */
    public int maxHeaderBlockSize() {
        return (int) Math.min(Integer.MAX_VALUE, (long) maxHeaders * (maxHeaderNameLength + maxHeaderValueLength + 4));
    }

    static int defaultMaxConnections() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long limit = unix.getMaxFileDescriptorCount();
            if (limit > 0) return (int) Math.min(Integer.MAX_VALUE, limit - Math.min(1024, limit / 4));
        }
        return 1024;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.requestTimeoutMillis = requestTimeoutMillis;
        b.maxHeaders = maxHeaders;
        b.maxHeaderNameLength = maxHeaderNameLength;
        b.maxHeaderValueLength = maxHeaderValueLength;
        b.maxRequestLineLength = maxRequestLineLength;
        b.maxConnections = maxConnections;
        b.compress = compress;
        b.allowedOrigins = new ArrayList<>(allowedOrigins);
        return b;
    }

    public static final class Builder {
        private long requestTimeoutMillis = DEFAULT_REQUEST_TIMEOUT_MILLIS;
        private int maxHeaders = DEFAULT_MAX_HEADERS;
        private int maxHeaderNameLength = DEFAULT_MAX_HEADER_NAME_LENGTH;
        private int maxHeaderValueLength = DEFAULT_MAX_HEADER_VALUE_LENGTH;
        private int maxRequestLineLength = DEFAULT_MAX_REQUEST_LINE_LENGTH;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private boolean compress;
        private List<String> allowedOrigins = new ArrayList<>();

        private Builder() {}

        public Builder requestTimeoutMillis(long v) {
            requestTimeoutMillis = v;
            return this;
        }

        public Builder maxHeaders(int v) {
            maxHeaders = v;
            return this;
        }

        public Builder maxHeaderNameLength(int v) {
            maxHeaderNameLength = v;
            return this;
        }

        public Builder maxHeaderValueLength(int v) {
            maxHeaderValueLength = v;
            return this;
        }

        public Builder maxRequestLineLength(int v) {
            maxRequestLineLength = v;
            return this;
        }

        public Builder maxConnections(int v) {
            maxConnections = v;
            return this;
        }

        public Builder compress(boolean v) {
            compress = v;
            return this;
        }

        public Builder allowedOrigins(List<String> v) {
            allowedOrigins = new ArrayList<>(v);
            return this;
        }

        /**
         * Sets one option by its Cowboy/ranch name ({@code request_timeout}, {@code max_headers},
         * {@code max_header_name_length}, {@code max_header_value_length}, {@code max_request_line_length},
         * {@code max_connections}, {@code compress}, {@code allowed_origins}); a number, a boolean, {@code "infinity"}
         * for the timeout and the connection limit, or a list of strings for the origins.
         */
        public Builder option(String name, Object value) {
            switch (name.toLowerCase(Locale.ROOT).replace('-', '_')) {
                case "request_timeout" -> requestTimeoutMillis = isInfinity(value) ? Long.MAX_VALUE : number(name, value);
                case "max_headers" -> maxHeaders = (int) number(name, value);
                case "max_header_name_length" -> maxHeaderNameLength = (int) number(name, value);
                case "max_header_value_length" -> maxHeaderValueLength = (int) number(name, value);
                case "max_request_line_length" -> maxRequestLineLength = (int) number(name, value);
                case "max_connections" -> maxConnections = isInfinity(value) ? Integer.MAX_VALUE : (int) number(name, value);
                case "compress" -> compress = bool(name, value);
                case "allowed_origins" -> {
                    if (!(value instanceof List<?> l)) throw new IllegalArgumentException(name + " must be a list of origins");
                    allowedOrigins = new ArrayList<>();
                    for (Object o : l) allowedOrigins.add(String.valueOf(o));
                }
                default -> throw new IllegalArgumentException("unknown listener option " + name);
            }
            return this;
        }

        private static boolean isInfinity(Object v) {
            return "infinity".equals(String.valueOf(v));
        }

        private static long number(String name, Object v) {
            if (v instanceof Number n) return n.longValue();
            try {
                return Long.parseLong(String.valueOf(v));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " needs a number, got '" + v + "'");
            }
        }

        private static boolean bool(String name, Object v) {
            if (v instanceof Boolean b) return b;
            return switch (String.valueOf(v)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException(name + " needs true or false, got '" + v + "'");
            };
        }

        public ListenerSettings build() {
            if (requestTimeoutMillis <= 0) throw new IllegalArgumentException("request_timeout must be positive");
            if (maxHeaders < 1) throw new IllegalArgumentException("max_headers must be at least 1");
            if (maxHeaderNameLength < 1) throw new IllegalArgumentException("max_header_name_length must be at least 1");
            if (maxHeaderValueLength < 1) throw new IllegalArgumentException("max_header_value_length must be at least 1");
            if (maxRequestLineLength < 16) throw new IllegalArgumentException("max_request_line_length must be at least 16");
            if (maxConnections < 1) throw new IllegalArgumentException("max_connections must be at least 1");
            for (String o : allowedOrigins) OriginCheck.validate(o);
            return new ListenerSettings(requestTimeoutMillis, maxHeaders, maxHeaderNameLength, maxHeaderValueLength,
                    maxRequestLineLength, maxConnections, compress, allowedOrigins);
        }
    }
}
