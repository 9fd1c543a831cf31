package io.corral.connection;

import io.corral.routing.Route;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * A listener's metrics. The hot path pays nothing here: frames and bytes are the per-connection
 * {@link ConnectionStats} counters the connection keeps anyway, summed per route when a registry or the Erlang
 * {@code corral} service reads them (live connections plus what closed connections left behind). Per-connection
 * events (an upgrade answered, a close code, a crash) are counted once per connection. The counts are kept here,
 * not in a registry, so they are there whether or not a registry is bound ({@link #bindTo}) and for the Erlang
 * side's {@code metrics} call alike.
 *
 * <p>Meter names (Prometheus adds {@code _total}, {@code _seconds} and so on): {@code corral.connections.open},
 * {@code corral.frames.in}/{@code .out}, {@code corral.bytes.in}/{@code .out}, {@code corral.handler.callbacks}
 * (Java handlers: time in callbacks), {@code corral.erlang.round.trips} (Erlang handlers: events sent to the proxy
 * until its commands came back), {@code corral.handler.crashes}, {@code corral.upgrades} by {@code status},
 * {@code corral.close.codes} by {@code direction} and {@code code}. Tags: {@code listener}, and per route
 * {@code route} (the path pattern), {@code handler} (class or module) and {@code kind} ({@code java}/{@code erlang}).
 */
public final class ListenerMetrics implements MeterBinder {

    /** Everything counted for one route. */
    public static final class RouteMeters {
        public final Route route;
        public final String kind;
        /** The Erlang node an Erlang route's handlers run on, or null. */
        public final String node;
        final Set<ConnectionStats> live = ConcurrentHashMap.newKeySet();
        /** What connections that closed left behind; written and read under {@code this}, so sums never go back. */
        private long framesIn, framesOut, bytesIn, bytesOut, callbacks, callbackNanos, roundTrips, roundTripNanos;
        final LongAdder crashes = new LongAdder();

        RouteMeters(Route route, String node) {
            this.route = route;
            this.kind = route.isJavaHandler() ? "java" : "erlang";
            this.node = node;
        }

        synchronized void retire(ConnectionStats s) {
            if (!live.remove(s)) return;
            framesIn += s.framesIn();
            framesOut += s.framesOut();
            bytesIn += s.bytesIn();
            bytesOut += s.bytesOut();
            callbacks += s.callbacks();
            callbackNanos += s.callbackNanos();
            roundTrips += s.roundTrips();
            roundTripNanos += s.roundTripNanos();
        }

        private synchronized long sum(long retired, java.util.function.ToLongFunction<ConnectionStats> f) {
            long n = retired;
            for (ConnectionStats s : live) n += f.applyAsLong(s);
            return n;
        }

        public int open() {
            return live.size();
        }

        public long framesIn() {
            return sum(framesIn, ConnectionStats::framesIn);
        }

        public long framesOut() {
            return sum(framesOut, ConnectionStats::framesOut);
        }

        public long bytesIn() {
            return sum(bytesIn, ConnectionStats::bytesIn);
        }

        public long bytesOut() {
            return sum(bytesOut, ConnectionStats::bytesOut);
        }

        public long callbacks() {
            return sum(callbacks, ConnectionStats::callbacks);
        }

        public long callbackNanos() {
            return sum(callbackNanos, ConnectionStats::callbackNanos);
        }

        public long roundTrips() {
            return sum(roundTrips, ConnectionStats::roundTrips);
        }

        public long roundTripNanos() {
            return sum(roundTripNanos, ConnectionStats::roundTripNanos);
        }

        public long crashes() {
            return crashes.sum();
        }
    }

    private final String listener;
    private final Map<Route, RouteMeters> routes;
    private final Map<Integer, LongAdder> upgrades = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> closeSent = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> closeReceived = new ConcurrentHashMap<>();
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

    /** {@code nodeOf} names the Erlang node of each Erlang route (null for Java routes). */
    public ListenerMetrics(String listener, Collection<Route> routes, java.util.function.Function<Route, String> nodeOf) {
        this.listener = listener;
        Map<Route, RouteMeters> m = new java.util.LinkedHashMap<>();
        for (Route r : routes) m.put(r, new RouteMeters(r, r.isJavaHandler() ? null : nodeOf.apply(r)));
        this.routes = java.util.Collections.unmodifiableMap(m);
    }

    public String listener() {
        return listener;
    }

    public Collection<RouteMeters> routes() {
        return routes.values();
    }

    // ---------------------------------------------------------------- events (once per connection, never per frame)

    void opened(ConnectionStats s, Route route) {
        RouteMeters r = routes.get(route);
        if (r == null) return;
        s.route = r;
        r.live.add(s);
        count(upgrades, 101, "corral.upgrades", "status");
    }

    void refused(int status) {
        count(upgrades, status, "corral.upgrades", "status");
    }

    void closed(ConnectionStats s) {
        RouteMeters r = s.route;
        if (r == null) return;
        r.retire(s);
        if (s.hasCrashed()) r.crashes.increment();
        if (s.closeSent() != ConnectionStats.NONE) count(closeSent, s.closeSent(), "corral.close.codes", "sent");
        if (s.closeReceived() != ConnectionStats.NONE) count(closeReceived, s.closeReceived(), "corral.close.codes", "received");
    }

    private void count(Map<Integer, LongAdder> byCode, int code, String meter, String direction) {
        LongAdder a = byCode.get(code);
        if (a == null) {
            LongAdder fresh = new LongAdder();
            a = byCode.putIfAbsent(code, fresh);
            if (a == null) {
                a = fresh;
                for (MeterRegistry reg : registries) register(reg, meter, direction, code, fresh);
            }
        }
        a.increment();
    }

    private void register(MeterRegistry reg, String meter, String directionOrStatus, int code, LongAdder a) {
        Tags tags = meter.equals("corral.upgrades") ? Tags.of("listener", listener, "status", String.valueOf(code))
                : Tags.of("listener", listener, "direction", directionOrStatus, "code", String.valueOf(code));
        FunctionCounter.builder(meter, a, LongAdder::doubleValue)
                .description(meter.equals("corral.upgrades") ? "upgrade requests answered, by HTTP status"
                        : "close frames by direction and code")
                .tags(tags).register(reg);
    }

    // ---------------------------------------------------------------- snapshots

    public SortedMap<Integer, Long> upgrades() {
        return snapshot(upgrades);
    }

    public SortedMap<Integer, Long> closeCodesSent() {
        return snapshot(closeSent);
    }

    public SortedMap<Integer, Long> closeCodesReceived() {
        return snapshot(closeReceived);
    }

    private static SortedMap<Integer, Long> snapshot(Map<Integer, LongAdder> m) {
        SortedMap<Integer, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    // ---------------------------------------------------------------- registries

    @Override
    public void bindTo(MeterRegistry reg) {
        registries.add(reg);
        for (RouteMeters r : routes.values()) {
            Tags t = Tags.of("listener", listener, "route", r.route.pathPattern(), "handler", r.route.handlerName(),
                    "kind", r.kind);
            Gauge.builder("corral.connections.open", r, RouteMeters::open)
                    .description("WebSocket connections open").tags(t).register(reg);
            counter(reg, "corral.frames.in", "frames received from clients", t, r, RouteMeters::framesIn, null);
            counter(reg, "corral.frames.out", "frames sent to clients", t, r, RouteMeters::framesOut, null);
            counter(reg, "corral.bytes.in", "payload bytes received from clients", t, r, RouteMeters::bytesIn, null);
            counter(reg, "corral.bytes.out", "payload bytes sent to clients", t, r, RouteMeters::bytesOut, null);
            counter(reg, "corral.handler.crashes", "handler callbacks that crashed (close 1011)", t, r,
                    RouteMeters::crashes, null);
            if (r.node == null) {
                FunctionTimer.builder("corral.handler.callbacks", r, RouteMeters::callbacks, RouteMeters::callbackNanos,
                        TimeUnit.NANOSECONDS).description("time in Java handler callbacks").tags(t).register(reg);
            } else {
                FunctionTimer.builder("corral.erlang.round.trips", r, RouteMeters::roundTrips, RouteMeters::roundTripNanos,
                        TimeUnit.NANOSECONDS).description("events sent to the Erlang proxy until its commands came back")
                        .tags(t.and("node", r.node)).register(reg);
            }
        }
        upgrades.forEach((code, a) -> register(reg, "corral.upgrades", "status", code, a));
        closeSent.forEach((code, a) -> register(reg, "corral.close.codes", "sent", code, a));
        closeReceived.forEach((code, a) -> register(reg, "corral.close.codes", "received", code, a));
    }

    private static void counter(MeterRegistry reg, String name, String description, Tags t, RouteMeters r,
            ToDoubleFunction<RouteMeters> f, String unit) {
        FunctionCounter.Builder<RouteMeters> b = FunctionCounter.builder(name, r, f).description(description).tags(t);
        if (unit != null) b.baseUnit(unit);
        b.register(reg);
    }
}
