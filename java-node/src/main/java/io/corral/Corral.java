package io.corral;

import io.corral.api.Term;
import io.corral.compat.Endpoints;
import io.corral.compat.JavaEndpoint;
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
import io.corral.transport.IoLoops;
import io.corral.transport.StaticPages;
import io.corral.transport.Tls;
import io.corral.metrics.PrometheusEndpoint;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.corral.api.Term;
import io.corral.api.WebSocketHandler;
import io.corral.api.WebSocketHandler1;
import io.corral.config.VersionProfile;
import io.corral.erlang.Introspection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One running Corral: routes read and resolved, the Erlang side joined when configured, the listener bound. Every
 * start-up error (a bad routes file, a missing handler) surfaces here, before a socket is opened.
 */
public final class Corral implements AutoCloseable {

    /** A start-up failure whose message names the file, line, class or module at fault. */
    public static final class StartException extends Exception {
        /**
         * A start-up failure.
         *
         * @param message what is wrong, naming the file, line, class, module, node or address
         * @param cause the underlying failure, or null
         */
        public StartException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final CorralServer server;
    private final List<AutoCloseable> resources;
    private final ErlangNode node;
    private final String handlerNode;

    private final ServerContext context;
    private final String bind;

    private Corral(CorralServer server, List<AutoCloseable> resources, ErlangNode node, String handlerNode,
            ServerContext context, String bind) {
        this.server = server;
        this.resources = resources;
        this.node = node;
        this.handlerNode = handlerNode;
        this.context = context;
        this.bind = bind;
    }

    /**
     * The hidden node. Its name is {@code --node}, or {@code corral_PID@localhost} when only Erlang handlers need
     * it ({@code corral_PID_2@localhost} and so on for the second and later Corral of the same JVM: a node that
     * connects under the name of a node already connected takes that one's place, so two Corrals sharing a default
     * name would cut each other off the handler node); its cookie is {@code --cookie}, {@code --cookie-file}, {@code ~/.erlang.cookie} with {@code --node}, or a
     * fresh random one shared with the local node Corral starts.
     */
    /** How many Corrals of this JVM took a default node name so far. */
    private static final java.util.concurrent.atomic.AtomicInteger DEFAULT_NAMES = new java.util.concurrent.atomic.AtomicInteger();

    /** The default name of the {@code n}th Corral of this JVM (from 1) started without a node name. */
    static String defaultNodeName(int n) {
        long pid = ProcessHandle.current().pid();
        return (n == 1 ? "corral_" + pid : "corral_" + pid + "_" + n) + "@localhost";
    }

    private static ErlangNode joinCluster(Settings settings, boolean erlangRoutes, IoLoops loops,
            List<AutoCloseable> resources)
            throws java.io.IOException {
        String name = settings.nodeName() != null ? settings.nodeName()
                : defaultNodeName(DEFAULT_NAMES.incrementAndGet());
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
        ErlangNode node = ErlangNode.start(nodeSettings, loops);
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

    /**
     * How long Corral waits for an Erlang node to answer before the start fails naming it: two handshakes' setup time
     * (net_setuptime) and a second. The node is dialled as soon as the hidden node starts, and the start's own dial
     * waits behind that one; a node still booting (registered in epmd, its distribution not yet answering, seen on
     * a loaded machine) can let the first handshake time out, and the one after it must get its whole setup time.
     */
    public static final int NODE_ANSWER_SECONDS = (int) (2 * NodeSettings.DEFAULT_HANDSHAKE_TIMEOUT.toSeconds() + 1);

    private static void awaitConnected(ErlangNode node, String other) throws java.io.IOException {
        try {
            if (!Boolean.TRUE.equals(node.connect(other).get(NODE_ANSWER_SECONDS, java.util.concurrent.TimeUnit.SECONDS))) {
                if (node.unanswered(other)) throw didNotAnswer(node, other, null);
                throw new java.io.IOException("cannot connect to Erlang node " + other + ": " + tried(node, other)
                        + node.connectFailure(other).map(f -> " (" + f + ")").orElse(""));
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new java.io.IOException("cannot connect to Erlang node " + other + ": " + tried(node, other) + " ("
                    + e.getCause() + ")", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw didNotAnswer(node, other, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.IOException("interrupted while connecting to " + other, e);
        }
    }

    private static java.io.IOException didNotAnswer(ErlangNode node, String other, Exception cause) {
        return new java.io.IOException("Erlang node " + other + " did not answer within " + NODE_ANSWER_SECONDS
                + " s: " + tried(node, other) + "; is it stopped, overloaded or behind a firewall?", cause);
    }

    /**
     * What connecting to {@code other} tried, asked again from its host's epmd (bounded: a host that does not
     * answer is said so): no such node registered, or the distribution port that epmd gave.
     */
    private static String tried(ErlangNode node, String other) {
        com.ericsson.otp.erlang.OtpPeer peer = new com.ericsson.otp.erlang.OtpPeer(other);
        String epmd = "epmd on " + peer.host() + " (port " + node.settings().epmdPort() + ")";
        try {
            int port = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return com.ericsson.otp.erlang.OtpEpmd.lookupPort(peer);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get(3, java.util.concurrent.TimeUnit.SECONDS);
            return port == 0 ? epmd + " has no node named " + peer.alive() + " registered (is it started, as "
                    + peer.alive() + "@" + peer.host() + "?)"
                    : epmd + " gave port " + port + ", which did not complete the distribution handshake";
        } catch (java.util.concurrent.TimeoutException e) {
            return epmd + " did not answer within 3 s";
        } catch (java.util.concurrent.ExecutionException e) {
            return epmd + " could not be asked (" + e.getCause().getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return epmd + " was being asked when interrupted";
        }
    }

    /**
     * Where Java handler classes named in routes are loaded from: Corral's own class path, then {@code classPath}
     * (a child loader, so a handler's classes see Corral's API and Netty as the application's own).
     */
    private static ClassLoader handlerClasses(List<Path> classPath) throws java.io.IOException {
        ClassLoader own = Corral.class.getClassLoader();
        if (classPath.isEmpty()) return own;
        java.net.URL[] urls = new java.net.URL[classPath.size()];
        for (int i = 0; i < urls.length; i++) {
            Path p = classPath.get(i);
            if (!java.nio.file.Files.exists(p)) throw new java.io.IOException("class path entry " + p + " does not exist");
            urls[i] = p.toAbsolutePath().toUri().toURL();
        }
        return new java.net.URLClassLoader("corral-handlers", urls, own);
    }

    /**
     * The hidden node, or null when Corral runs without one.
     *
     * @return the node, or null
     */
    public ErlangNode node() {
        return node;
    }

    /**
     * Where Erlang handler modules run, or null.
     *
     * @return the handler node's full name, or null when no route is an Erlang one and none was given
     */
    public String handlerNode() {
        return handlerNode;
    }

    /**
     * Starts Corral from {@link Settings} (what the command line parses into): routes from a file or text only.
     * {@link #builder()} is the same with routes given in code.
     *
     * @param settings the listener, routes and node settings
     * @return the running Corral
     * @throws StartException when anything cannot start; the message names what is wrong and nothing is left running
     */
    public static Corral start(Settings settings) throws StartException {
        return start(settings, List.of(), Map.of(), Map.of());
    }

    /**
     * As {@link #start(Settings)}, also answering plain GETs of {@code pages}' paths with those pages.
     *
     * @param settings the listener, routes and node settings
     * @param pages URL path to page
     * @return the running Corral
     * @throws StartException as {@link #start(Settings)}
     */
    public static Corral start(Settings settings, Map<String, StaticPages.Page> pages) throws StartException {
        return start(settings, List.of(), Map.of(), pages);
    }

    private static Corral start(Settings settings, List<RoutesFile.Added> added,
            Map<String, Function<Term, HandlerEndpoint>> given, Map<String, StaticPages.Page> pages)
            throws StartException {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            // First in, so closed last: the listener and the Erlang node both run on these loops.
            IoLoops loops = IoLoops.start(settings.threads());
            resources.add(loops);
            Router router = settings.routesFile() != null
                    ? RoutesFile.parse(java.nio.file.Files.readString(settings.routesFile()),
                            settings.routesFile().getFileName().toString(), added)
                    : RoutesFile.parse(settings.routesText(), settings.routesName(), added);
            boolean erlangRoutes = router.routes().stream().anyMatch(r -> !r.isJavaHandler());
            // Certificates are checked before anything starts, so a bad file costs no Erlang node start.
            io.netty.handler.ssl.SslContext ssl = settings.tls() == null ? null : Tls.build(settings.tls()).sslContext();
            ErlangNode node = null;
            String handlerNode = settings.erlangNode();
            if (settings.nodeName() != null || erlangRoutes) {
                node = joinCluster(settings, erlangRoutes, loops, resources);
                if (erlangRoutes && handlerNode == null) handlerNode = startLocalNode(settings, node, resources);
                else if (handlerNode != null) awaitAnyConnected(node, settings.erlangNodes());
            }
            Map<Route, HandlerEndpoint> endpoints = new LinkedHashMap<>();
            List<Route> javaRoutes = router.routes().stream().filter(Route::isJavaHandler).toList();
            endpoints.putAll(Endpoints.resolve(javaRoutes, null, given, handlerClasses(settings.classPath())));
            if (erlangRoutes) {
                String routesName = settings.routesFile() != null ? settings.routesFile().toString() : settings.routesName();
                ErlangHandlers.Placed placed = ErlangHandlers.resolve(router.routes(), node,
                        settings.erlangNodes().isEmpty() ? List.of(handlerNode) : settings.erlangNodes(),
                        settings.placement(), routesName);
                resources.add(placed);
                endpoints.putAll(placed.endpoints());
            }
            ServerContext ctx = new ServerContext(settings.bind() + ":" + settings.port(), router, endpoints,
                    settings.cowboyVersion(), node != null ? node : ProcessBinding.NONE,
                    node != null ? node.localGroups() : new io.corral.connection.LocalGroups());
            ctx.flowLimits(settings.flow());
            ctx.pages(StaticPages.withClient(pages));
            CorralServer server = listen(settings, loops, ssl, ctx);
            if (node != null) node.introspection(new ServerIntrospection(ctx, settings.bind(), server.port()));
            CompositeMeterRegistry meters = meters(settings, ctx, node, handlerNode, resources);
            Corral corral = new Corral(server, resources, node, handlerNode, ctx, settings.bind());
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

    /**
     * The port the listener is bound to (the one chosen when {@code port(0)} asked for any free port).
     *
     * @return the bound port
     */
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
        if (node != null) {
            // One gauge per Erlang node this JVM is connected to: the handler nodes given at start and those found
            // through pg come up at different times, so each is registered when its connection is, once (Micrometer
            // ignores a second registration of the same name and tag, but logs a warning for it: a node given with
            // --erlang-node, connected at start and then reported up, printed one at every start).
            ErlangNode n = node;
            java.util.Set<String> registered = java.util.concurrent.ConcurrentHashMap.newKeySet();
            java.util.function.Consumer<String> gauge = peer -> {
                if (registered.add(peer)) {
                    io.micrometer.core.instrument.Gauge.builder("corral.erlang.queue.depth", n, x -> x.queueDepth(peer))
                            .description("distribution operations queued towards the Erlang node, not yet written")
                            .tag("node", peer).register(meters);
                }
            };
            io.corral.erlang.NodeListener up = new io.corral.erlang.NodeListener() {
                @Override
                public void nodeUp(String peer) {
                    gauge.accept(peer);
                }
            };
            node.addNodeListener(up);
            resources.add(() -> n.removeNodeListener(up));
            if (handlerNode != null) gauge.accept(handlerNode);
            settings.erlangNodes().forEach(gauge);
            n.connectedNodes().forEach(gauge);
        }
        if (settings.metricsPort() >= 0) {
            PrometheusEndpoint endpoint = PrometheusEndpoint.start(settings.metricsBind(), settings.metricsPort(), meters);
            resources.add(endpoint);
        }
        if (settings.jmx()) resources.add(io.corral.metrics.JmxMeters.addTo(meters));
        return meters;
    }

    /**
     * Every meter of this Corral (see {@link io.corral.connection.ListenerMetrics} for the names).
     *
     * @return the composite registry the listener's meters are bound to
     */
    public CompositeMeterRegistry meters() {
        return meters;
    }

    /**
     * The Prometheus endpoint's port, or -1 when it is off.
     *
     * @return the bound port of the metrics endpoint, or -1
     */
    public int metricsPort() {
        for (AutoCloseable r : resources) if (r instanceof PrometheusEndpoint p) return p.port();
        return -1;
    }

    /** Binds the listener; a failure names the address and port, and says when another process holds them. */
    private static CorralServer listen(Settings settings, IoLoops loops, io.netty.handler.ssl.SslContext ssl,
            ServerContext ctx)
            throws java.io.IOException, InterruptedException {
        try {
            return CorralServer.start(settings.bind(), settings.port(), loops, ssl, ctx,
                    settings.listener());
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) { // Netty's sync() rethrows the bind's IOException undeclared
            String why = String.valueOf(e.getMessage());
            if (e instanceof java.net.BindException || why.contains("in use")) {
                why = "the address is already in use (another process listens on " + settings.bind() + ":"
                        + settings.port() + ")";
            } else if (why.contains("Cannot assign requested address") || why.contains("not available")) {
                why = settings.bind() + " is not an address of this machine";
            }
            throw new java.io.IOException("cannot listen on " + settings.bind() + ":" + settings.port() + ": " + why, e);
        }
    }

    /**
     * Sends {@code message} to every member of pg group {@code group} of scope {@value io.corral.api.Connection#DEFAULT_SCOPE}
     * that this Corral holds (see {@link io.corral.api.Connection#join(Term)}) from outside any connection: an
     * application thread, a timer, a message bus. Returns how many members it was sent to.
     *
     * @param group the group
     * @param message the term each member's {@code websocketInfo} gets
     * @return the number of members it was sent to
     */
    public int sendLocal(Term group, Term message) {
        return sendLocal(io.corral.api.Connection.DEFAULT_SCOPE, group, message);
    }

    /**
     * {@link #sendLocal(Term, Term)} in another pg scope.
     *
     * @param scope the pg scope's name
     * @param group the group
     * @param message the term each member's {@code websocketInfo} gets
     * @return the number of members it was sent to
     */
    public int sendLocal(String scope, Term group, Term message) {
        return context.localGroups().send(new io.corral.connection.LocalGroups.Key(scope, group.raw()),
                message.raw());
    }

    /**
     * The address the listener is bound to.
     *
     * @return the listen address, as given
     */
    public String bind() {
        return bind;
    }

    /**
     * The live WebSocket connections: pid, path, peer, handler, age, frames and bytes each way. The same listing
     * {@code gen_server:call({corral, Node}, connections)} answers from Erlang.
     *
     * @return one entry per open connection
     */
    public List<Introspection.ConnectionInfo> connections() {
        return new ServerIntrospection(context, bind, server.port()).connections();
    }

    /**
     * The listener (the Netty server and its context); for tests and tools inside Corral.
     *
     * @return the listener
     */
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

    /**
     * A builder for an embedded Corral. Every setting not given keeps the default of {@link Settings}.
     *
     * <pre>{@code
     * ChatRoom room = new ChatRoom();                      // an ordinary object, shared by its connections
     * try (Corral corral = Corral.builder()
     *         .port(0)                                     // any free port; corral.port() tells which
     *         .route("/echo", new EchoHandler())           // one handler object for every connection
     *         .route("/chat", room)
     *         .routeEach("/session", SessionHandler::new)  // a new handler object per connection
     *         .erlangRoute("/erl/echo", "demo_echo")       // a Cowboy module, on a local Erlang node
     *         .codePath(Path.of("ebin"))
     *         .start()) {
     *     ...
     * }
     * }</pre>
     *
     * @return a builder with every default of {@link Settings}
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Routes given in code (Java handler objects or suppliers, Erlang modules), a routes file or text, the
     * listener's options and the Erlang node's. Routes given in code come after a routes file's routes for the same
     * host, in the order they were given; each matches any host, and its path follows cowboy_router's patterns
     * ({@code "/chat/:room"}, {@code "/static/[...]"}).
     */
    public static final class Builder {
        private final Settings.Builder settings = Settings.builder();
        private final List<RoutesFile.Added> added = new ArrayList<>();
        private final Map<String, Function<Term, HandlerEndpoint>> given = new java.util.HashMap<>();
        private final List<Path> codePaths = new ArrayList<>();
        private boolean routesSource;
        private final Map<String, StaticPages.Page> pages = new java.util.HashMap<>();

        private Builder() {}

        /**
         * The address to listen on (default 127.0.0.1).
         *
         * @param address an IP address or host name of this machine
         * @return this builder
         */
        public Builder bind(String address) {
            settings.bind(address);
            return this;
        }

        /**
         * The TCP port (default 8080; 0 picks a free one, see {@link Corral#port()}).
         *
         * @param port the port, or 0 for any free one
         * @return this builder
         */
        public Builder port(int port) {
            settings.port(port);
            return this;
        }

        /**
         * Event loop threads (default: Netty's, 2 x cores).
         *
         * @param threads the number of event loop threads, or 0 for Netty's default
         * @return this builder
         */
        public Builder threads(int threads) {
            settings.threads(threads);
            return this;
        }

        /**
         * The Cowboy version every route reproduces where versions differ on the wire (default: each handler's).
         *
         * @param version the version profile
         * @return this builder
         */
        public Builder cowboyVersion(VersionProfile version) {
            settings.cowboyVersion(version);
            return this;
        }

        /**
         * A Cowboy-style routes file, as {@code corral serve --routes}; routes given in code are added to it.
         *
         * @param file the routes file
         * @return this builder
         */
        public Builder routesFile(Path file) {
            settings.routesFile(file);
            routesSource = true;
            return this;
        }

        /**
         * Routes as Erlang terms in Cowboy's dispatch format; {@code name} is what errors call them.
         *
         * @param name the name errors give the text, as if it were a file name
         * @param text the routes, as in a routes file
         * @return this builder
         */
        public Builder routesText(String name, String text) {
            settings.routesText(name, text);
            routesSource = true;
            return this;
        }

        /**
         * A route to a handler object that serves every connection of the route ({@code init} gets {@code []}).
         *
         * @param path the path pattern, as in cowboy_router
         * @param handler the handler object, shared by every connection of the route
         * @return this builder
         */
        public Builder route(String path, WebSocketHandler<?> handler) {
            return route(path, handler, Term.list());
        }

        /**
         * A route to a handler object; {@code init} gets {@code options}, as the third element of a route tuple.
         *
         * @param path the path pattern, as in cowboy_router
         * @param handler the handler object, shared by every connection of the route
         * @param options the term {@code init} gets
         * @return this builder
         */
        public Builder route(String path, WebSocketHandler<?> handler, Term options) {
            return given(path, handler.getClass().getName(), opts -> Endpoints.of(handler, opts), options);
        }

        /**
         * A route to a Cowboy 1.x-shaped handler object.
         *
         * @param path the path pattern, as in cowboy_router
         * @param handler the handler object, shared by every connection of the route
         * @return this builder
         */
        public Builder route(String path, WebSocketHandler1<?> handler) {
            return route(path, handler, Term.list());
        }

        /**
         * A route to a Cowboy 1.x-shaped handler object with options for {@code websocketInit}.
         *
         * @param path the path pattern, as in cowboy_router
         * @param handler the handler object, shared by every connection of the route
         * @param options the term {@code init} and {@code websocketInit} get
         * @return this builder
         */
        public Builder route(String path, WebSocketHandler1<?> handler, Term options) {
            return given(path, handler.getClass().getName(), opts -> Endpoints.of(handler, opts), options);
        }

        /**
         * A route whose every connection gets its own handler object from {@code handlers}, asked once per upgrade
         * request (a throw answers 500, as a crash in {@code init} does).
         *
         * @param path the path pattern, as in cowboy_router
         * @param handlers gives a new handler object for each upgrade request
         * @return this builder
         */
        public Builder routeEach(String path, Supplier<? extends WebSocketHandler<?>> handlers) {
            return routeEach(path, handlers, Term.list());
        }

        /**
         * As {@link #routeEach(String, Supplier)}, with options for {@code init}.
         *
         * @param path the path pattern, as in cowboy_router
         * @param handlers gives a new handler object for each upgrade request
         * @param options the term {@code init} gets
         * @return this builder
         */
        @SuppressWarnings({"unchecked", "rawtypes"})
        public Builder routeEach(String path, Supplier<? extends WebSocketHandler<?>> handlers, Term options) {
            String name = "supplier for " + path;
            return given(path, name, opts -> new JavaEndpoint(name, (Supplier) handlers, opts), options);
        }

        /**
         * A route to an unmodified Cowboy handler module, run by erlang-bridge ({@code init} gets {@code []}).
         *
         * @param path the path pattern, as in cowboy_router
         * @param module the Erlang module's name
         * @return this builder
         */
        public Builder erlangRoute(String path, String module) {
            return erlangRoute(path, module, Term.list());
        }

        /**
         * A route to a Cowboy handler module with its options, as {@code {Path, Module, Opts}} in a routes file.
         *
         * @param path the path pattern, as in cowboy_router
         * @param module the Erlang module's name
         * @param options the term the module's {@code init} gets
         * @return this builder
         * @throws IllegalArgumentException when {@code module} cannot be an Erlang module name
         */
        public Builder erlangRoute(String path, String module, Term options) {
            if (module.isEmpty() || module.indexOf('.') >= 0) {
                throw new IllegalArgumentException("'" + module + "' is not an Erlang module name");
            }
            added.add(new RoutesFile.Added("_", path, module, options));
            return this;
        }

        private Builder given(String path, String display, Function<Term, HandlerEndpoint> endpoint, Term options) {
            // The route carries a name no class or module can have; Endpoints finds the given handler by it.
            String name = "io.corral.given.route" + (given.size() + 1);
            given.put(name, endpoint);
            added.add(new RoutesFile.Added("_", path, name, options));
            return this;
        }

        /**
         * Answers a plain {@code GET path} (no upgrade) with {@code body}: a browser page for the routes, say. The
         * same path can still be a WebSocket route: an upgrade request goes to the route. A listener with pages
         * also serves Corral's browser client at {@code /corral/client.js} (what the demo page loads:
         * {@code corralRoutes(element, [[path, description, kind], ...])} draws a panel per route).
         *
         * @param path the URL path, such as {@code /}
         * @param contentType the page's media type, such as {@code text/html; charset=utf-8}
         * @param body the page's bytes (copied)
         * @return this builder
         */
        public Builder page(String path, String contentType, byte[] body) {
            pages.put(path, new StaticPages.Page(contentType, body.clone()));
            return this;
        }

        /**
         * Joins the Erlang cluster as this hidden node ({@code NAME} or {@code NAME@HOST}), as {@code --node}.
         *
         * @param name the node name
         * @return this builder
         */
        public Builder nodeName(String name) {
            settings.nodeName(name);
            return this;
        }

        /**
         * The distribution cookie.
         *
         * @param cookie the cookie (on the command line, {@code --cookie-file} is safer)
         * @return this builder
         */
        public Builder cookie(String cookie) {
            settings.cookie(cookie);
            return this;
        }

        /**
         * Reads the cookie from a file (default {@code ~/.erlang.cookie}, as erl does).
         *
         * @param file a file readable by its owner only
         * @return this builder
         */
        public Builder cookieFile(Path file) {
            settings.cookieFile(file);
            return this;
        }

        /**
         * Where Erlang handler modules run (erlang-bridge started there). Without it, Corral starts a local erl node
         * for them, loopback only, with a random cookie.
         *
         * @param node the node's full name, {@code NAME@HOST}
         * @return this builder
         */
        public Builder erlangNode(String node) {
            settings.erlangNode(node);
            return this;
        }

        /**
         * Adds a directory to the local Erlang node's code path, as {@code --pa}.
         *
         * @param dir a directory of {@code .beam} files
         * @return this builder
         */
        public Builder codePath(Path dir) {
            codePaths.add(dir);
            return this;
        }

        /**
         * Any other listener setting, on the {@link Settings} builder this one fills.
         *
         * @param configure sets what it wants on the settings builder
         * @return this builder
         */
        public Builder settings(Consumer<Settings.Builder> configure) {
            configure.accept(settings);
            return this;
        }

        /**
         * Reads and resolves the routes, joins the cluster when configured or when Erlang routes need it, binds the
         * listener. Every start-up error names what is wrong (the file and line, the class, the module and node,
         * the address and port) and leaves nothing running.
         *
         * @return the running Corral
         * @throws StartException when anything cannot start; the message names what is wrong
         */
        public Corral start() throws StartException {
            if (!routesSource) settings.routesText("routes given in code", "[].");
            settings.codePaths(codePaths);
            Settings s;
            try {
                s = settings.build();
            } catch (IllegalArgumentException e) {
                throw new StartException(e.getMessage(), e);
            }
            return Corral.start(s, List.copyOf(added), Map.copyOf(given), Map.copyOf(pages));
        }
    }

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
