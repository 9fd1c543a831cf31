package io.corral;

import io.corral.api.Term;
import io.corral.compat.Endpoints;
import io.corral.config.Settings;
import io.corral.erlang.ErlangHandlers;
import io.corral.erlang.ErlangNode;
import io.corral.erlang.LocalErlangNode;
import io.corral.erlang.NodeSettings;
import io.corral.erlang.ServerIntrospection;
import java.util.LinkedHashMap;
import io.corral.connection.HandlerEndpoint;
import io.corral.connection.ProcessBinding;
import io.corral.connection.ServerContext;
import io.corral.routing.Route;
import io.corral.routing.Router;
import io.corral.routing.RoutesFile;
import io.corral.routing.RoutesFileException;
import io.corral.transport.CorralServer;
import io.corral.transport.Tls;
import io.corral.metrics.PrometheusEndpoint;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One running Corral: routes read and resolved, the Erlang side joined when configured, the listener bound. Every
 * start-up error (a bad routes file, a missing handler) surfaces here, before a socket is opened.
 */
public final class Corral implements AutoCloseable {

    /** A start-up failure whose message names the file, line, class or module at fault. */
    public static final class StartException extends Exception {
        public StartException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final CorralServer server;
    private final List<AutoCloseable> resources;
    private final ErlangNode node;
    private final String handlerNode;

    private Corral(CorralServer server, List<AutoCloseable> resources, ErlangNode node, String handlerNode) {
        this.server = server;
        this.resources = resources;
        this.node = node;
        this.handlerNode = handlerNode;
    }

    /**
     * The hidden node. Its name is {@code --node}, or {@code corral_PID@localhost} when only Erlang handlers need
     * it; its cookie is {@code --cookie}, {@code --cookie-file}, {@code ~/.erlang.cookie} with {@code --node}, or a
     * fresh random one shared with the local node Corral starts.
     */
    private static ErlangNode joinCluster(Settings settings, boolean erlangRoutes, List<AutoCloseable> resources)
            throws java.io.IOException {
        String name = settings.nodeName() != null ? settings.nodeName()
                : "corral_" + ProcessHandle.current().pid() + "@localhost";
        NodeSettings.Builder b = NodeSettings.builder(name);
        if (settings.cookie() != null) b.cookie(settings.cookie());
        else if (settings.cookieFile() != null) b.cookieFile(settings.cookieFile());
        else if (settings.nodeName() == null || settings.erlangNode() == null && erlangRoutes
                && !java.nio.file.Files.isReadable(java.nio.file.Path.of(System.getProperty("user.home"), ".erlang.cookie"))) {
            b.cookie(LocalErlangNode.randomCookie());
        }
        if (!settings.erlangNodes().isEmpty()) {
            b.peers(settings.erlangNodes());
            // A handler node that comes back gets new connections within a second (docs/cluster.md).
            b.reconnectInterval(java.time.Duration.ofMillis(500));
        }
        if (settings.netTickTime() != null) b.tickTime(settings.netTickTime());
        if (settings.distBind() != null) b.distBind(java.net.InetAddress.getByName(settings.distBind()));
        NodeSettings nodeSettings;
        try {
            nodeSettings = b.build();
        } catch (IllegalArgumentException e) { // a cookie file others can read, or that cannot be read
            throw new java.io.IOException(e.getMessage(), e);
        }
        ErlangNode node = ErlangNode.start(nodeSettings);
        resources.add(node);
        return node;
    }

    /** The embedded default: a loopback-only erl node with erlang-bridge and the --pa directories. */
    private static String startLocalNode(Settings settings, ErlangNode node, List<AutoCloseable> resources)
            throws java.io.IOException {
        LocalErlangNode local = LocalErlangNode.startSupervised(LocalErlangNode.bridgeHome(), settings.codePaths(), node);
        resources.add(local);
        local.awaitRegistered(java.time.Duration.ofSeconds(30));
        awaitConnected(node, local.nodeName());
        return local.nodeName();
    }

    /**
     * Several handler nodes: start once one of them is connected (placement uses the others as they connect); fail
     * naming each when none is.
     */
    private static void awaitAnyConnected(ErlangNode node, List<String> others) throws java.io.IOException {
        if (others.size() == 1) {
            awaitConnected(node, others.getFirst());
            return;
        }
        List<java.util.concurrent.CompletableFuture<Boolean>> tries = others.stream().map(node::connect).toList();
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < others.size(); i++) {
            try {
                if (Boolean.TRUE.equals(tries.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS))) continue;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // reported below with the others
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.IOException("interrupted while connecting to " + others, e);
            }
            failed.add(others.get(i) + node.connectFailure(others.get(i)).map(f -> " (" + f + ")").orElse(""));
        }
        if (failed.size() == others.size()) {
            throw new java.io.IOException("cannot connect to any Erlang handler node: " + String.join(", ", failed));
        }
    }

    private static void awaitConnected(ErlangNode node, String other) throws java.io.IOException {
        try {
            if (!Boolean.TRUE.equals(node.connect(other).get(30, java.util.concurrent.TimeUnit.SECONDS))) {
                throw new java.io.IOException("cannot connect to Erlang node " + other
                        + node.connectFailure(other).map(f -> ": " + f).orElse(" (is it up, with the same cookie?)"));
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new java.io.IOException("cannot connect to Erlang node " + other + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.IOException("interrupted while connecting to " + other, e);
        }
    }

    /** The hidden node, or null when Corral runs without one. */
    public ErlangNode node() {
        return node;
    }

    /** Where Erlang handler modules run, or null. */
    public String handlerNode() {
        return handlerNode;
    }

    public static Corral start(Settings settings) throws StartException {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            Router router = settings.routesFile() != null ? RoutesFile.parse(settings.routesFile())
                    : RoutesFile.parse(settings.routesText(), settings.routesName());
            boolean erlangRoutes = router.routes().stream().anyMatch(r -> !r.isJavaHandler());
            // Certificates are checked before anything starts, so a bad file costs no Erlang node start.
            io.netty.handler.ssl.SslContext ssl = settings.tls() == null ? null : Tls.build(settings.tls()).sslContext();
            ErlangNode node = null;
            String handlerNode = settings.erlangNode();
            if (settings.nodeName() != null || erlangRoutes) {
                node = joinCluster(settings, erlangRoutes, resources);
                if (erlangRoutes && handlerNode == null) handlerNode = startLocalNode(settings, node, resources);
                else if (handlerNode != null) awaitAnyConnected(node, settings.erlangNodes());
            }
            Map<Route, HandlerEndpoint> endpoints = new LinkedHashMap<>();
            List<Route> javaRoutes = router.routes().stream().filter(Route::isJavaHandler).toList();
            endpoints.putAll(Endpoints.resolve(javaRoutes, null));
            if (erlangRoutes) {
                ErlangHandlers.Placed placed = ErlangHandlers.resolve(router.routes(), node,
                        settings.erlangNodes().isEmpty() ? List.of(handlerNode) : settings.erlangNodes(),
                        settings.placement());
                resources.add(placed);
                endpoints.putAll(placed.endpoints());
            }
            ServerContext ctx = new ServerContext(settings.bind() + ":" + settings.port(), router, endpoints,
                    settings.cowboyVersion(), node != null ? node : ProcessBinding.NONE);
            ctx.flowLimits(settings.flow());
            CorralServer server = CorralServer.start(settings.bind(), settings.port(), settings.threads(), ssl, ctx,
                    settings.listener());
            if (node != null) node.introspection(new ServerIntrospection(ctx, settings.bind(), server.port()));
            CompositeMeterRegistry meters = meters(settings, ctx, node, handlerNode, resources);
            Corral corral = new Corral(server, resources, node, handlerNode);
            corral.meters = meters;
            corral.drainTimeout = settings.drainTimeout();
            corral.localHandlerNode = erlangRoutes && settings.erlangNode() == null;
            return corral;
        } catch (java.io.IOException e) {
            closeAll(resources);
            throw new StartException(e.getMessage(), e);
        } catch (RoutesFileException | Endpoints.UnknownHandlerException | ErlangHandlers.MissingModuleException
                | Tls.TlsConfigException e) {
            closeAll(resources);
            throw new StartException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeAll(resources);
            throw new StartException("interrupted while starting", e);
        } catch (RuntimeException e) {
            closeAll(resources);
            throw new StartException("cannot listen on " + settings.bind() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.port();
    }

    private CompositeMeterRegistry meters;

    /**
     * The listener's metrics are bound to a composite registry: the Prometheus endpoint's and JMX's when they are on
     * ({@code --metrics-port}, {@code --jmx}); an embedding application adds its own with
     * {@code corral.meters().add(registry)}.
     */
    private static CompositeMeterRegistry meters(Settings settings, ServerContext ctx, ErlangNode node, String handlerNode,
            List<AutoCloseable> resources) throws java.io.IOException {
        CompositeMeterRegistry meters = new CompositeMeterRegistry();
        resources.add(meters::close);
        ctx.metrics().bindTo(meters);
        if (node != null && handlerNode != null) {
            io.micrometer.core.instrument.Gauge.builder("corral.erlang.queue.depth", node, n -> n.queueDepth(handlerNode))
                    .description("distribution operations queued towards the Erlang node, not yet written")
                    .tag("node", handlerNode).register(meters);
        }
        if (settings.metricsPort() >= 0) {
            PrometheusEndpoint endpoint = PrometheusEndpoint.start(settings.metricsBind(), settings.metricsPort(), meters);
            resources.add(endpoint);
        }
        if (settings.jmx()) resources.add(io.corral.metrics.JmxMeters.addTo(meters));
        return meters;
    }

    /** Every meter of this Corral (see {@link io.corral.connection.ListenerMetrics} for the names). */
    public CompositeMeterRegistry meters() {
        return meters;
    }

    /** The Prometheus endpoint's port, or -1 when it is off. */
    public int metricsPort() {
        for (AutoCloseable r : resources) if (r instanceof PrometheusEndpoint p) return p.port();
        return -1;
    }

    public CorralServer server() {
        return server;
    }

    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Drains (see {@link CorralServer#drain}: 1001 to every connection, terminate with {@code shutdown}, up to the
     * drain timeout for the clients' close replies), then leaves the cluster and stops the local Erlang node.
     * Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        long started = System.nanoTime();
        server.drain(drainTimeout);
        if (node != null) {
            node.awaitWritten(java.time.Duration.ofSeconds(2)); // remote handlers' terminate events
            java.time.Duration left = drainTimeout.minusNanos(System.nanoTime() - started);
            if (localHandlerNode) awaitProxiesEnded(node, handlerNode, left.isNegative() ? java.time.Duration.ZERO : left);
        }
        closeAll(resources);
    }

    /**
     * The local node is stopped next: its proxies must have run their handlers' terminate first. Polls the bridge's
     * proxy count (each proxy ends right after terminate) until it is 0 or {@code max} has passed.
     */
    private static void awaitProxiesEnded(ErlangNode node, String handlerNode, java.time.Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        do {
            try {
                Term n = node.call(io.corral.erlang.BridgeContract.BRIDGE, handlerNode, Term.atom("proxies"),
                        java.time.Duration.ofSeconds(2)).get(3, java.util.concurrent.TimeUnit.SECONDS);
                if (!n.isInteger() || n.longValue() == 0) return;
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                return; // the node does not answer: nothing to wait for
            }
        } while (System.nanoTime() < deadline);
    }

    /** Whether {@link #handlerNode} is the local node Corral started (and stops on close). */
    private boolean localHandlerNode;
    /** Settings.drainTimeout(), set at start. */
    private java.time.Duration drainTimeout;

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources.reversed()) {
            try {
                r.close();
            } catch (Exception ignored) {
                // closing on the way out: nothing left to tell
            }
        }
    }
}
