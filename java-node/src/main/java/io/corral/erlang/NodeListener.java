package io.corral.erlang;

/**
 * Node events, delivered in order on one corral-erlang thread (never a JInterface connection thread or an event loop).
 * Every method has an empty default.
 */
public interface NodeListener {

    /** A connection to {@code node} is up (we connected, or it connected to us). */
    default void nodeUp(String node) {}

    /** The connection to {@code node} is gone; connections it served should close. */
    default void nodeDown(String node, String reason) {}

    /**
     * An attempt to connect to (or from) {@code node} failed: wrong cookie, unreachable, not registered in epmd.
     * Reported once per outage, not per retry.
     */
    default void connectFailed(String node, String reason) {}

    /**
     * An inbound distribution connection was refused (wrong cookie, handshake not finished in time, not a node).
     * Every attempt, with the peer's {@code address}; {@code node} is null when the peer sent no name.
     */
    default void inboundRefused(String address, String node, String reason) {}
}
