package io.corral.connection;

import io.corral.config.VersionProfile;
import io.corral.routing.Route;
import io.corral.routing.Router;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every connection of one listener shares: routes resolved to endpoints at start, the Erlang process factory,
 * the listener's Cowboy version (null: follow each handler's generation), and the live connections.
 */
public final class ServerContext {
    private final String listener;
    /** Routes, their endpoints and their flow limits, swapped together by {@link #replaceRoutes}. */
    private record Routes(Router router, Map<Route, HandlerEndpoint> endpoints, Map<Route, RouteFlow> flows) {
        /** Each route's flow, made once here rather than per connection. */
        static Routes of(Router router, Map<Route, HandlerEndpoint> endpoints, io.corral.config.FlowLimits listener) {
            Map<Route, RouteFlow> flows = new java.util.HashMap<>();
            for (Route r : endpoints.keySet()) flows.put(r, RouteFlow.of(listener.overriddenBy(r.settings())));
            return new Routes(router, Map.copyOf(endpoints), Map.copyOf(flows));
        }
    }

    private volatile Routes routes;
    // The routes replaced last: a handshake that looked its route up just before a swap still finds its endpoint.
    private volatile Routes previous;
    private final VersionProfile profile;
    private final ProcessBinding.Factory processes;
    private final LocalGroups localGroups;
    private final Set<WsConnection> live = ConcurrentHashMap.newKeySet();
    private final ListenerMetrics metrics;
    private volatile io.corral.config.FlowLimits flow = io.corral.config.FlowLimits.DEFAULTS;
    private final java.util.concurrent.atomic.LongAdder total = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder refused = new java.util.concurrent.atomic.LongAdder();

    /** A listener whose connections' groups are its own (a fresh {@link LocalGroups}). */
    public ServerContext(String listener, Router router, Map<Route, HandlerEndpoint> endpoints, VersionProfile profile,
            ProcessBinding.Factory processes) {
        this(listener, router, endpoints, profile, processes, new LocalGroups());
    }

    /** A listener whose connections' groups are in {@code localGroups} (its Java node's, shared by its listeners). */
    public ServerContext(String listener, Router router, Map<Route, HandlerEndpoint> endpoints, VersionProfile profile,
            ProcessBinding.Factory processes, LocalGroups localGroups) {
        this.listener = listener;
        this.localGroups = localGroups;
        this.routes = Routes.of(router, endpoints, flow);
        this.previous = this.routes;
        this.profile = profile;
        this.processes = processes;
        Map<Route, HandlerEndpoint> first = this.routes.endpoints();
        // Per-route meters are for the routes the listener started with; routes from replaceRoutes are counted in
        // the listener's totals only (ListenerMetrics ignores routes it was not built with).
        this.metrics = new ListenerMetrics(listener, first.keySet().stream()
                .sorted(java.util.Comparator.comparingInt(Route::line)).toList(), r -> first.get(r).node());
    }

    /** Counters of this listener's connections (bind a Micrometer registry to publish them). */
    public ListenerMetrics metrics() {
        return metrics;
    }

    private volatile Map<String, io.corral.transport.StaticPages.Page> pages = Map.of();

    /** Pages served to plain GETs by path (the demo's browser page); set before the listener starts. */
    public void pages(Map<String, io.corral.transport.StaticPages.Page> pages) {
        this.pages = Map.copyOf(pages);
    }

    public Map<String, io.corral.transport.StaticPages.Page> pages() {
        return pages;
    }

        public String listener() {
        return listener;
    }

    public Router router() {
        return routes.router();
    }

    public HandlerEndpoint endpoint(Route route) {
        HandlerEndpoint e = routes.endpoints().get(route);
        return e != null ? e : previous.endpoints().get(route);
    }

    /**
     * New routes for upgrades from now on, as {@code cowboy:set_env(Name, dispatch, D)}: connections already open keep
     * the handler they were routed to.
     */
    public synchronized void replaceRoutes(Router router, Map<Route, HandlerEndpoint> endpoints) {
        previous = routes;
        routes = Routes.of(router, endpoints, flow);
    }

    /** The route's Cowboy version if it names one, else the listener's, else the handler's generation. */
    public VersionProfile profileFor(Route route, HandlerEndpoint endpoint) {
        if (route.cowboyVersion() != null) return route.cowboyVersion();
        return profile != null ? profile : endpoint.defaultProfile();
    }

    /** The listener's flow limits (set at start, before the listener serves); each route's are made again. */
    public synchronized void flowLimits(io.corral.config.FlowLimits limits) {
        flow = limits;
        routes = Routes.of(routes.router(), routes.endpoints(), limits);
        previous = routes;
    }

    /**
     * The listener's flow limits with what the route's settings map overrides, and their water marks: the route's
     * own, made when the routes were set (a route not among them, which no handshake should have, gets new ones).
     */
    public RouteFlow flowFor(Route route) {
        RouteFlow f = routes.flows().get(route);
        if (f == null) f = previous.flows().get(route);
        return f != null ? f : RouteFlow.of(flow.overriddenBy(route.settings()));
    }

    public ProcessBinding.Factory processes() {
        return processes;
    }

    /** The index of group members that {@code Connection.sendLocal} and {@code Corral.sendLocal} reach. */
    public LocalGroups localGroups() {
        return localGroups;
    }

    public void opened(WsConnection c, Route route) {
        live.add(c);
        total.increment();
        metrics.opened(c.stats(), route);
        // An upgrade that was decided while the drain began is told 1001 too, right after its websocket_init.
        if (draining) c.shutdown();
    }

    private volatile boolean draining;

    /** Starts the drain: every connection, and every one upgraded from now on, gets {@link WsConnection#shutdown}. */
    public void drain() {
        draining = true;
        for (WsConnection c : live) c.shutdown();
    }

    /** An upgrade request answered with {@code status} instead of an upgrade (refused by init, a crash, a bad handshake). */
    public void refused(int status) {
        refused.increment();
        metrics.refused(status);
    }

    public long totalConnections() {
        return total.sum();
    }

    public long refusedConnections() {
        return refused.sum();
    }

    public void closed(WsConnection c) {
        live.remove(c);
        metrics.closed(c.stats());
    }

    public Collection<WsConnection> connections() {
        return Collections.unmodifiableSet(live);
    }
}
