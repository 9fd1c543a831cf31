package io.corral.config;

import io.corral.api.Term;

/**
 * How much one connection may hold in each direction; every default is here. Settable per listener
 * ({@link Settings}) and per route (the route's settings map in the routes file: {@code {Handler, #{max_in_flight =>
 * N, send_buffer => N, send_timeout => Ms}}}).
 *
 * @param maxInFlightBytes bytes of client frames handed to a remote (Erlang) handler and not yet answered before
 *     the connection stops reading the socket (TCP backpressure to the client; Cowboy gets the same by handling one
 *     frame at a time). At least one frame is always accepted, whatever its size.
 * @param sendBufferBytes bytes queued towards the client before the connection counts as not writable (Netty's
 *     high water mark; the low one is half of it): it then stops reading and starts the send timeout. A connection
 *     with four times this much queued is closed at once.
 * @param sendTimeoutMillis how long the connection may stay not writable before it is closed (ranch's
 *     {@code send_timeout} with {@code send_timeout_close}, 30 s in Cowboy)
 */
public record FlowLimits(long maxInFlightBytes, long sendBufferBytes, long sendTimeoutMillis) {

    /** 1 MiB in flight (about one max_frame_size message), 1 MiB send buffer, ranch's 30 s send timeout. */
    public static final FlowLimits DEFAULTS = new FlowLimits(1 << 20, 1 << 20, 30_000);

    public FlowLimits {
        if (maxInFlightBytes <= 0) throw new IllegalArgumentException("max_in_flight must be positive: " + maxInFlightBytes);
        if (sendBufferBytes < 2) throw new IllegalArgumentException("send_buffer must be at least 2: " + sendBufferBytes);
        if (sendTimeoutMillis <= 0) throw new IllegalArgumentException("send_timeout must be positive: " + sendTimeoutMillis);
    }

    /** The keys a route's settings map may give, each replacing the listener's value. */
    public static final java.util.List<String> ROUTE_KEYS = java.util.List.of("max_in_flight", "send_buffer", "send_timeout");

    /** These limits with whatever a route's settings map overrides ({@code null}: none). */
    public FlowLimits overriddenBy(Term routeSettings) {
        if (routeSettings == null || !routeSettings.isMap()) return this;
        return new FlowLimits(value(routeSettings, "max_in_flight", maxInFlightBytes),
                value(routeSettings, "send_buffer", sendBufferBytes), value(routeSettings, "send_timeout", sendTimeoutMillis));
    }

    private static long value(Term map, String key, long otherwise) {
        Term v = map.get(key);
        return v == null ? otherwise : v.longValue();
    }
}
