package io.corral.connection;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;

/**
 * Counters of one connection, for introspection from Erlang ({@code corral} service) and the CLI. Written only on
 * the connection's event loop; read from anywhere (a reader may see a slightly stale value).
 *
 * <p>The per-frame counters are written with opaque stores (a plain store on x86 and ARM) and read with opaque loads:
 * each value is atomic and eventually seen by every reader, which is all introspection needs. A volatile store per
 * counter, as before, cost a full fence each, four to six per echoed frame.
 */
public final class ConnectionStats {
    public final String listener;
    public final String path;
    public final InetSocketAddress peer;
    public final String handler;
    public final long startedAtMillis = System.currentTimeMillis();
    @SuppressWarnings("unused") // through the VarHandles below
    private long framesIn, framesOut, bytesIn, bytesOut;
    /** Java handler callbacks run, and the time spent in them; round trips to the Erlang proxy, and their time. */
    @SuppressWarnings("unused")
    private long callbacks, callbackNanos, roundTrips, roundTripNanos;

    private static final VarHandle FRAMES_IN, FRAMES_OUT, BYTES_IN, BYTES_OUT, CALLBACKS, CALLBACK_NANOS, ROUND_TRIPS,
            ROUND_TRIP_NANOS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            FRAMES_IN = l.findVarHandle(ConnectionStats.class, "framesIn", long.class);
            FRAMES_OUT = l.findVarHandle(ConnectionStats.class, "framesOut", long.class);
            BYTES_IN = l.findVarHandle(ConnectionStats.class, "bytesIn", long.class);
            BYTES_OUT = l.findVarHandle(ConnectionStats.class, "bytesOut", long.class);
            CALLBACKS = l.findVarHandle(ConnectionStats.class, "callbacks", long.class);
            CALLBACK_NANOS = l.findVarHandle(ConnectionStats.class, "callbackNanos", long.class);
            ROUND_TRIPS = l.findVarHandle(ConnectionStats.class, "roundTrips", long.class);
            ROUND_TRIP_NANOS = l.findVarHandle(ConnectionStats.class, "roundTripNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Single writer (the event loop): read, add, store, without a fence. */
    private void add(VarHandle h, long n) {
        h.setOpaque(this, (long) h.getOpaque(this) + n);
    }

    private long read(VarHandle h) {
        return (long) h.getOpaque(this);
    }
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

    void frameIn(int bytes) {
        add(FRAMES_IN, 1);
        add(BYTES_IN, bytes);
    }

    void frameOut(int bytes) {
        add(FRAMES_OUT, 1);
        add(BYTES_OUT, bytes);
    }

    public void callback(long nanos) {
        add(CALLBACKS, 1);
        add(CALLBACK_NANOS, nanos);
    }

    public void roundTrip(long nanos) {
        add(ROUND_TRIPS, 1);
        add(ROUND_TRIP_NANOS, nanos);
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
        return read(CALLBACKS);
    }

    public long callbackNanos() {
        return read(CALLBACK_NANOS);
    }

    public long roundTrips() {
        return read(ROUND_TRIPS);
    }

    public long roundTripNanos() {
        return read(ROUND_TRIP_NANOS);
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
        return read(FRAMES_IN);
    }

    public long framesOut() {
        return read(FRAMES_OUT);
    }

    public long bytesIn() {
        return read(BYTES_IN);
    }

    public long bytesOut() {
        return read(BYTES_OUT);
    }

    public long ageMillis() {
        return System.currentTimeMillis() - startedAtMillis;
    }
}
