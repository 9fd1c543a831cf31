package io.corral.connection;

import java.net.InetSocketAddress;

/**
 * Counters of one connection, for introspection from Erlang ({@code corral} service) and the CLI. Written only on
 * the connection's event loop; read from anywhere (plain fields: a reader may see a slightly stale value).
 */
public final class ConnectionStats {
    public final String listener;
    public final String path;
    public final InetSocketAddress peer;
    public final String handler;
    public final long startedAtMillis = System.currentTimeMillis();
    private volatile long framesIn, framesOut, bytesIn, bytesOut;
    /** Java handler callbacks run, and the time spent in them; round trips to the Erlang proxy, and their time. */
    private volatile long callbacks, callbackNanos, roundTrips, roundTripNanos;
    /** The close codes that went each way ({@link #NONE} until one did), and whether a handler callback crashed. */
    private volatile int closeSent = NONE, closeReceived = NONE;
    private volatile boolean crashed;
    /** Where the listener's metrics keep this connection's route; set once when the connection opens. */
    volatile ListenerMetrics.RouteMeters route;

    /** No close frame went that way. */
    public static final int NONE = -1;
    /** A close frame without a code: RFC 6455 section 7.1.5 calls that 1005 ("no status received"). */
    public static final int NO_STATUS = 1005;

    public ConnectionStats(String listener, String path, InetSocketAddress peer, String handler) {
        this.listener = listener;
        this.path = path;
        this.peer = peer;
        this.handler = handler;
    }

    @SuppressWarnings("NonAtomicOperationOnVolatileField") // single writer: the event loop
    void frameIn(int bytes) {
        framesIn++;
        bytesIn += bytes;
    }

    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    void frameOut(int bytes) {
        framesOut++;
        bytesOut += bytes;
    }

    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    public void callback(long nanos) {
        callbacks++;
        callbackNanos += nanos;
    }

    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    public void roundTrip(long nanos) {
        roundTrips++;
        roundTripNanos += nanos;
    }

    void closeSent(int code) {
        if (closeSent == NONE) closeSent = code;
    }

    void closeReceived(int code) {
        if (closeReceived == NONE) closeReceived = code;
    }

    void crashed() {
        crashed = true;
    }

    public long callbacks() {
        return callbacks;
    }

    public long callbackNanos() {
        return callbackNanos;
    }

    public long roundTrips() {
        return roundTrips;
    }

    public long roundTripNanos() {
        return roundTripNanos;
    }

    public int closeSent() {
        return closeSent;
    }

    public int closeReceived() {
        return closeReceived;
    }

    public boolean hasCrashed() {
        return crashed;
    }

    public long framesIn() {
        return framesIn;
    }

    public long framesOut() {
        return framesOut;
    }

    public long bytesIn() {
        return bytesIn;
    }

    public long bytesOut() {
        return bytesOut;
    }

    public long ageMillis() {
        return System.currentTimeMillis() - startedAtMillis;
    }
}
