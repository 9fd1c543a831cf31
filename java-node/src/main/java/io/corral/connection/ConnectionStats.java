package io.corral.connection;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Counters of one connection, for introspection from Erlang ({@code corral} service) and the CLI. Written only on
 * the connection's event loop; read from anywhere (a reader may see a slightly stale value).
 *
 * <p>The per-frame counters are written with opaque stores (a plain store on x86 and ARM) and read with opaque loads:
 * each value is atomic and eventually seen by every reader, which is all introspection needs. A volatile store per
 * counter, as before, cost a full fence each, four to six per echoed frame.
 *
 * <p>Java handler callbacks are all counted, but only about one in {@link #CALLBACK_SAMPLE_MEAN} is timed (the
 * connection's first always), its time weighted by the callbacks it stands for: two clock reads per callback were
 * 3 % of a small echoed frame's CPU on a VM, whose {@code clock_gettime} takes 30 to 60 ns
 * (bench/README.md, section 7).
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

    /**
     * How many callbacks one timed callback stands for, on average: the interval to the next timed one is drawn
     * uniformly from 1 to {@code 2 * mean - 1}, so a handler whose every Nth callback is slow cannot fall between the
     * samples every time, as it could with a fixed period.
     */
    static final int CALLBACK_SAMPLE_MEAN = 8;
    /** What {@link #callbackStarting} returns for a callback that is not timed. */
    public static final long NOT_TIMED = Long.MIN_VALUE;
    /** Callbacks to go until the next timed one (the first callback of a connection is timed); event loop only. */
    private int untilTimed = 1;
    /** How many callbacks the timed callback under way stands for. */
    private int timedWeight;

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

    /**
     * A Java handler callback is about to run: it is counted. Returns the clock ({@link System#nanoTime}) when this
     * one is timed, {@link #NOT_TIMED} otherwise; give the value to {@link #callbackEnded} once it returned or
     * raised. The sum of callback time is thereby an estimate (each timed callback's time times the callbacks it
     * stands for), the count exact, and the sum only grows.
     */
    public long callbackStarting() {
        add(CALLBACKS, 1);
        if (--untilTimed > 0) return NOT_TIMED;
        untilTimed = timedWeight = 1 + ThreadLocalRandom.current().nextInt(2 * CALLBACK_SAMPLE_MEAN - 1);
        return System.nanoTime();
    }

    /** The callback {@link #callbackStarting} returned {@code started} for is over. */
    public void callbackEnded(long started) {
        if (started != NOT_TIMED) add(CALLBACK_NANOS, (System.nanoTime() - started) * timedWeight);
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
