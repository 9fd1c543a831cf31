package io.corral.cli;

import io.corral.api.Term;
import io.corral.compat.Endpoints;
import io.corral.config.ListenerSettings;
import io.corral.config.VersionProfile;
import io.corral.connection.ConnectionStats;
import io.corral.connection.HandlerEndpoint;
import io.corral.connection.ServerContext;
import io.corral.connection.WsConnection;
import io.corral.erlang.ErlangHandlers;
import io.corral.erlang.ErlangNode;
import io.corral.erlang.NodeListener;
import io.corral.erlang.NodeSettings;
import io.corral.erlang.ServerIntrospection;
import io.corral.routing.Route;
import io.corral.routing.Router;
import io.corral.routing.RoutesFile;
import io.corral.routing.RoutesFileException;
import io.corral.transport.CorralServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code corral attach --node NAME@HOST --owner NODE}: the JVM of a listener started from Erlang
 * ({@code corral:start_clear/3}, erlang-bridge's apps/corral). The Erlang listener process runs this as a port it
 * owns and writes the cookie as the first line of standard input (never on the command line). This JVM joins as
 * the hidden node NAME@HOST, connects to the owner, registers {@value #SERVICE} and prints {@value #READY}; the
 * owner then calls it ({@code gen_server:call}) with:
 * <ul>
 *   <li>{@code {start, #{name, ip, port, routes, profile}}}: bind and serve; {@code {ok, Port}} or
 *       {@code {error, eaddrinuse | {undef_handler, Class} | {bad_dispatch, Text} | ...}};</li>
 *   <li>{@code {set_env, dispatch, Routes}}: new routes for new connections, as {@code cowboy:set_env/3};</li>
 *   <li>{@code info}: counts and bytes, for {@code corral:info/1};</li>
 *   <li>{@code stop}: close and exit.</li>
 * </ul>
 * Erlang handler modules run on the owner node. The JVM exits when standard input closes (the owner closed the
 * port, or its node went away, however abruptly) or the owner node disconnects: it never outlives its listener.
 */
public final class Attach {

    /** The registered name the owner calls. */
    public static final String SERVICE = "corral_listener";
    /** The line printed once {@value #SERVICE} answers. */
    public static final String READY = "corral-attach: ready";

    private final ErlangNode node;
    private final String owner;
    private final CountDownLatch done = new CountDownLatch(1);
    private CorralServer server; // guarded by this

    private Attach(ErlangNode node, String owner) {
        this.node = node;
        this.owner = owner;
    }

    static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        String name = null;
        String owner = null;
        for (int i = 0; i + 1 < args.size(); i += 2) {
            switch (args.get(i)) {
                case "--node" -> name = args.get(i + 1);
                case "--owner" -> owner = args.get(i + 1);
                default -> {
                    err.println("corral attach: unknown option '" + args.get(i) + "'");
                    return 2;
                }
            }
        }
        if (name == null || owner == null || args.size() % 2 != 0) {
            err.println("corral attach: needs --node NAME@HOST --owner NODE, and the cookie on standard input");
            return 2;
        }
        BufferedReader stdin = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
        String cookie;
        try {
            cookie = stdin.readLine();
        } catch (IOException e) {
            cookie = null;
        }
        if (cookie == null || cookie.isBlank()) {
            err.println("corral attach: no cookie on standard input");
            return 2;
        }
        ErlangNode node;
        try {
            node = ErlangNode.start(NodeSettings.builder(name).cookie(cookie.strip()).build());
        } catch (IOException | RuntimeException e) {
            err.println("corral attach: cannot start the hidden node " + name + ": " + e.getMessage());
            return 1;
        }
        Attach attach = new Attach(node, owner);
        try {
            return attach.serve(stdin, out, err);
        } finally {
            attach.close();
        }
    }

    private int serve(BufferedReader stdin, PrintStream out, PrintStream err) {
        node.addNodeListener(new NodeListener() {
            @Override
            public void nodeDown(String peer, String why) {
                if (peer.equals(owner)) done.countDown();
            }
        });
        try {
            if (!Boolean.TRUE.equals(node.connect(owner).get(30, TimeUnit.SECONDS))) {
                err.println("corral attach: cannot connect to " + owner
                        + node.connectFailure(owner).map(f -> ": " + f).orElse(""));
                return 1;
            }
        } catch (Exception e) {
            err.println("corral attach: cannot connect to " + owner + ": " + e);
            return 1;
        }
        node.serve(SERVICE, this::answer);
        Thread.ofPlatform().daemon().name("corral-attach-stdin").start(() -> {
            try {
                while (stdin.readLine() != null) {
                    // Nothing more is sent on standard input; it is read only to see it close.
                }
            } catch (IOException ignored) {
                // a broken pipe is the owner gone, as EOF is
            }
            done.countDown();
        });
        out.println(READY);
        out.flush();
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private Term answer(Term request) {
        if (request.isTagged("start", 2)) return start(request.element(1));
        if (request.isTuple(3) && request.element(0).isAtom("set_env") && request.element(1).isAtom("dispatch")) {
            return setDispatch(request.element(2));
        }
        if (request.isAtom("info")) return info();
        if (request.isAtom("stop")) {
            done.countDown();
            return Term.atom("ok");
        }
        return error(Term.atom("unknown_request"));
    }

    /**
     * Where the Erlang routes run: the start request's {@code cluster} map ({@code corral_opts}: erlang_nodes,
     * discovery, placement), or the owner node alone when it has none.
     */
    record Cluster(List<String> nodes, boolean discovery, io.corral.erlang.Placement placement) {
        static Cluster of(Term t, String owner) {
            if (t == null || !t.isMap()) return new Cluster(List.of(owner), false, io.corral.erlang.Placement.DEFAULT);
            Term nodes = t.get("erlang_nodes");
            Term discovery = t.get("discovery");
            Term placement = t.get("placement");
            return new Cluster(nodes == null ? List.of(owner) : nodes.listValue().stream().map(Term::atomValue).toList(),
                    discovery != null && discovery.isAtom("true"),
                    placement == null ? io.corral.erlang.Placement.DEFAULT
                            : io.corral.erlang.Placement.parse(placement.stringValue()));
        }
    }

    private Cluster cluster;
    /** The handler nodes' live views of every start and set_env, closed with the node. Guarded by this. */
    private final List<ErlangHandlers.Placed> placements = new java.util.ArrayList<>();

    private synchronized Term start(Term config) {
        if (server != null) return error(Term.atom("already_started"));
        try {
            cluster = Cluster.of(config.get("cluster"), owner);
        } catch (RuntimeException e) { // corral_opts checked the shape: this is a contract mismatch
            return error(Term.tuple(Term.atom("bad_option"), Term.binary("cluster: " + e.getMessage())));
        }
        String name = text(config.get("name"));
        String ip = text(config.get("ip"));
        int port = (int) config.get("port").longValue();
        Term profileTerm = config.get("profile");
        VersionProfile profile = profileTerm == null || profileTerm.isAtom("undefined") ? null
                : VersionProfile.parse(profileTerm.atomValue());
        Router router;
        Map<Route, HandlerEndpoint> endpoints;
        try {
            router = RoutesFile.fromTerm(config.get("routes"), "the dispatch of " + name);
            endpoints = endpoints(router);
        } catch (Refused r) {
            return r.reason;
        } catch (RoutesFileException e) {
            return error(Term.tuple(Term.atom("bad_dispatch"), Term.binary(e.problem())));
        }
        io.corral.config.ListenerSettings limits;
        try {
            limits = listenerSettings(config);
        } catch (IllegalArgumentException e) {
            return error(Term.tuple(Term.atom("bad_option"), Term.binary(e.getMessage())));
        }
        io.corral.config.FlowLimits flow;
        try {
            flow = flowLimits(config);
        } catch (IllegalArgumentException e) {
            return error(Term.tuple(Term.atom("bad_option"), Term.binary(e.getMessage())));
        }
        ServerContext ctx = new ServerContext(name, router, endpoints, profile, node, node.localGroups());
        ctx.flowLimits(flow);
        Term drain = config.get("drain_timeout");
        if (drain != null && drain.isInteger()) drainTimeout = java.time.Duration.ofMillis(drain.longValue());
        io.netty.handler.ssl.SslContext ssl = null;
        Term tls = config.get("tls");
        if (tls != null && tls.isMap()) { // start_tls/3: Cowboy's certfile, keyfile, cacertfile, password
            Term ca = tls.get("cacertfile");
            Term password = tls.get("password");
            try {
                ssl = io.corral.transport.Tls.build(io.corral.config.TlsSettings.builder(
                        java.nio.file.Path.of(text(tls.get("certfile"))), java.nio.file.Path.of(text(tls.get("keyfile"))))
                        .caFile(ca == null || ca.isAtom("undefined") ? null : java.nio.file.Path.of(text(ca)))
                        .keyPassword(password == null ? null : text(password)).build()).sslContext();
            } catch (io.corral.transport.Tls.TlsConfigException e) {
                return error(Term.tuple(Term.atom("tls"), Term.binary(e.getMessage())));
            }
        }
        try {
            server = CorralServer.start(ip, port, 0, ssl, ctx, limits); // start_tls: TLS, else plain TCP
        } catch (Exception e) { // Netty's sync() rethrows the bind failure, a checked exception, undeclared
            return error(bindError(e));
        }
        node.introspection(new ServerIntrospection(ctx, ip, server.port()));
        return Term.tuple(Term.atom("ok"), Term.integer(server.port()));
    }

    /**
     * The listener's limits and switches from the start request: Cowboy's protocol option names
     * ({@code compress}, {@code request_timeout}, {@code max_headers}, ..., ranch's {@code max_connections}), each
     * optional; what is absent keeps its {@link ListenerSettings} default.
     */
    static ListenerSettings listenerSettings(Term config) {
        ListenerSettings.Builder b = ListenerSettings.builder();
        for (String key : List.of("compress", "request_timeout", "max_headers", "max_header_name_length",
                "max_header_value_length", "max_request_line_length", "max_connections")) {
            Term v = config.get(key);
            if (v == null) continue;
            b.option(key, v.isInteger() ? (Object) v.longValue() : v.isAtom() ? v.atomValue() : text(v));
        }
        Term origins = config.get("allowed_origins");
        if (origins != null && origins.isList()) {
            b.allowedOrigins(origins.listValue().stream().map(Attach::text).toList());
        }
        return b.build();
    }

    /**
     * The limits after the upgrade from the start request ({@code max_in_flight}, {@code send_buffer},
     * {@code send_timeout}, the names a route's settings map takes), each optional; {@code send_timeout} may be
     * {@code infinity}, as gen_tcp's is.
     */
    static io.corral.config.FlowLimits flowLimits(Term config) {
        io.corral.config.FlowLimits d = io.corral.config.FlowLimits.DEFAULTS;
        long[] v = {d.maxInFlightBytes(), d.sendBufferBytes(), d.sendTimeoutMillis()};
        List<String> keys = io.corral.config.FlowLimits.ROUTE_KEYS;
        for (int i = 0; i < keys.size(); i++) {
            Term t = config.get(keys.get(i));
            if (t == null) continue;
            if (t.isInteger()) v[i] = t.longValue();
            else if (keys.get(i).equals("send_timeout") && t.isAtom("infinity")) v[i] = Long.MAX_VALUE;
            else throw new IllegalArgumentException(keys.get(i) + " must be an integer: " + t);
        }
        return new io.corral.config.FlowLimits(v[0], v[1], v[2]);
    }

    private synchronized Term setDispatch(Term routes) {
        if (server == null) return error(Term.atom("not_started"));
        try {
            Router router = RoutesFile.fromTerm(routes, "the dispatch of " + server.context().listener());
            server.context().replaceRoutes(router, endpoints(router));
            // The previous routes' view of the handler nodes goes (its thread and node listener): open connections
            // keep their endpoints, which need it only to count their node's load.
            while (placements.size() > 1) placements.removeFirst().close();
            return Term.atom("ok");
        } catch (Refused r) {
            return r.reason;
        } catch (RoutesFileException e) {
            return error(Term.tuple(Term.atom("bad_dispatch"), Term.binary(e.problem())));
        }
    }

    private synchronized Term info() {
        if (server == null) return error(Term.atom("not_started"));
        ServerContext ctx = server.context();
        long in = 0;
        long outBytes = 0;
        for (WsConnection c : ctx.connections()) {
            ConnectionStats s = c.stats();
            in += s.bytesIn();
            outBytes += s.bytesOut();
        }
        Map<String, Term> m = new LinkedHashMap<>();
        m.put("port", Term.integer(server.port()));
        m.put("active_connections", Term.integer(ctx.connections().size()));
        m.put("total_connections", Term.integer(ctx.totalConnections()));
        m.put("refused_connections", Term.integer(ctx.refusedConnections()));
        m.put("bytes_in", Term.integer(in));
        m.put("bytes_out", Term.integer(outBytes));
        return Term.tuple(Term.atom("ok"), Term.atomMap(m));
    }

    /** A start or set_env refused with the Erlang error term the caller gets. */
    private static final class Refused extends Exception {
        final Term reason;

        Refused(Term reason) {
            super(null, null, false, false);
            this.reason = reason;
        }
    }

    private Map<Route, HandlerEndpoint> endpoints(Router router) throws Refused {
        Map<Route, HandlerEndpoint> out = new LinkedHashMap<>();
        for (Route r : router.routes()) {
            if (!r.isJavaHandler()) continue;
            try {
                out.putAll(Endpoints.resolve(List.of(r), null));
            } catch (Endpoints.UnknownHandlerException e) {
                throw new Refused(error(Term.tuple(Term.atom("undef_handler"), Term.atom(r.handlerName()))));
            }
        }
        try {
            ErlangHandlers.Placed placed = ErlangHandlers.resolve(router.routes(), node, cluster.nodes(),
                    cluster.placement(), null, cluster.discovery());
            out.putAll(placed.endpoints());
            if (placed.nodes() != null) placements.add(placed);
        } catch (ErlangHandlers.MissingModuleException e) {
            throw new Refused(error(Term.tuple(Term.atom("bad_handler"), Term.binary(e.getMessage()))));
        }
        return out;
    }

    /** The reason gen_tcp:listen would give, where the OS said the same thing. */
    static Term bindError(Throwable e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("Address already in use")) return Term.atom("eaddrinuse");
        if (m.contains("Permission denied")) return Term.atom("eacces");
        if (m.contains("Cannot assign requested address")) return Term.atom("eaddrnotavail");
        return Term.tuple(Term.atom("listen_failed"), Term.binary(m));
    }

    private static Term error(Term reason) {
        return Term.tuple(Term.atom("error"), reason);
    }

    private static String text(Term t) {
        return t.isAtom() ? t.atomValue() : t.stringValue();
    }

    /**
     * Drains as {@code corral serve} does on SIGTERM (1001, terminate with {@code shutdown}, up to the drain timeout:
     * ranch's {@code shutdown} transport option when the listener was given one), then leaves the cluster once the
     * handlers' terminate events are written to the owner node.
     */
    private void close() {
        synchronized (this) {
            if (server != null) server.drain(drainTimeout);
            for (ErlangHandlers.Placed p : placements) p.close();
        }
        node.awaitWritten(java.time.Duration.ofSeconds(2));
        node.close();
    }

    /** How long a stop waits for clients' close replies; the owner's {@code drain_timeout}, else Settings' default. */
    private java.time.Duration drainTimeout = io.corral.config.Settings.DEFAULT_DRAIN_TIMEOUT;
}
