package io.corral.erlang;

import io.corral.api.Term;
import io.corral.config.VersionProfile;
import io.corral.connection.HandlerEndpoint;
import io.corral.routing.Route;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Start-up for routes that name Erlang modules: asks erlang-bridge on the handler node which of them are loadable and
 * which generation each is (from its exports), and fails naming the module and node when one is missing.
 */
public final class ErlangHandlers {
    private ErlangHandlers() {}

    /** A route names a module the handler node cannot load, or the bridge cannot be reached. */
    public static final class MissingModuleException extends Exception {
        public MissingModuleException(String message) {
            super(message);
        }
    }

    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(20);

    /**
     * Erlang routes placed across several handler nodes: the endpoints, and the live view of the nodes they are
     * placed on (closed with the server).
     */
    public record Placed(Map<Route, HandlerEndpoint> endpoints, HandlerNodes nodes) implements AutoCloseable {
        @Override
        public void close() {
            if (nodes != null) nodes.close();
        }
    }

    /**
     * Builds a {@link PlacedEndpoint} per Erlang route. Every node in {@code handlerNodes} that is connected now is
     * asked which of the routes' modules it runs; a module that none of them runs stops the start, naming each node
     * and why. Nodes connected later, or discovered through pg, are asked as they come ({@link HandlerNodes}); a
     * node whose module has another generation than the one resolved here is not used for it.
     */
    public static Placed resolve(List<Route> routes, ErlangNode node, List<String> handlerNodes, Placement placement)
            throws MissingModuleException {
        return resolve(routes, node, handlerNodes, placement, null);
    }

    /** As {@link #resolve(List, ErlangNode, List, Placement)}; a missing module names {@code routesName}:LINE. */
    public static Placed resolve(List<Route> routes, ErlangNode node, List<String> handlerNodes, Placement placement,
            String routesName) throws MissingModuleException {
        return resolve(routes, node, handlerNodes, placement, routesName, true);
    }

    /**
     * As {@link #resolve(List, ErlangNode, List, Placement, String)}; {@code discover} false places on
     * {@code handlerNodes} only, not on the other erlang-bridge nodes pg reports.
     */
    public static Placed resolve(List<Route> routes, ErlangNode node, List<String> handlerNodes, Placement placement,
            String routesName, boolean discover) throws MissingModuleException {
        Set<String> modules = new LinkedHashSet<>();
        for (Route r : routes) if (!r.isJavaHandler()) modules.add(r.handlerName());
        Map<Route, HandlerEndpoint> out = new LinkedHashMap<>();
        if (modules.isEmpty()) return new Placed(out, null);
        Map<String, String> generation = new LinkedHashMap<>();
        Map<String, List<String>> problems = new LinkedHashMap<>();
        List<String> unreachable = new ArrayList<>();
        for (String n : handlerNodes) {
            if (!connected(node, n)) {
                unreachable.add(n);
                continue;
            }
            awaitBridge(node, n);
            for (Term t : moduleAnswer(node, n, modules).listValue()) {
                String m = t.element(0).atomValue();
                Term gen = t.element(1);
                if (gen.isAtom()) generation.putIfAbsent(m, gen.atomValue());
                else problems.computeIfAbsent(m, k -> new ArrayList<>())
                        .add(where(routes, m, routesName) + "module " + m + " is not loadable on node " + n + " ("
                                + gen.element(1) + ")");
            }
        }
        if (generation.isEmpty() && problems.isEmpty()) {
            throw new MissingModuleException("no Erlang handler node is reachable: " + unreachable
                    + " (are they up, with the same cookie, and corral_bridge started?)");
        }
        List<String> missing = new ArrayList<>();
        for (String m : modules) if (!generation.containsKey(m)) missing.addAll(problems.getOrDefault(m, List.of()));
        if (!missing.isEmpty()) throw new MissingModuleException(String.join("; ", missing));
        HandlerNodes live = new HandlerNodes(node, generation, handlerNodes, discover);
        awaitServed(live, generation.keySet());
        for (Route r : routes) {
            if (r.isJavaHandler()) continue;
            String gen = generation.get(r.handlerName());
            out.put(r, new PlacedEndpoint(r.handlerName(), r.options(),
                    gen.equals("1.x") ? VersionProfile.V1_1 : VersionProfile.V2_LATEST, live, placement, node));
        }
        return new Placed(out, live);
    }

    /**
     * Waits (at most {@link #CHECK_TIMEOUT}) until {@code live} places each module on a node. It asks the connected
     * nodes again on its own thread; without the wait the start returned before that answer, and the first upgrades
     * to a server that had just said it was up got 503 (seen as a flaky first test on a loaded machine). A node that
     * went down meanwhile leaves its modules unplaced: the start goes on and upgrades get 503 until one serves.
     */
    private static void awaitServed(HandlerNodes live, Set<String> modules) {
        long deadline = System.nanoTime() + CHECK_TIMEOUT.toNanos();
        for (String m : modules) {
            while (live.serving(m).isEmpty() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** "FILE:LINE: route PATH: " for each route that names {@code module}, so the user finds the line to fix. */
    private static String where(List<Route> routes, String module, String routesName) {
        String w = routes.stream().filter(r -> r.handlerName().equals(module))
                .map(r -> (routesName == null ? "" : routesName + ":" + r.line() + ": ") + "route " + r.pathPattern())
                .collect(java.util.stream.Collectors.joining(", "));
        return w.isEmpty() ? "" : w + ": ";
    }

    /** Connected now, or at once: a node that is down fails its epmd lookup without waiting. */
    private static boolean connected(ErlangNode node, String n) {
        try {
            return Boolean.TRUE.equals(node.connect(n).get(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Term moduleAnswer(ErlangNode node, String handlerNode, Set<String> modules)
            throws MissingModuleException {
        List<Term> mods = new ArrayList<>();
        for (String m : modules) mods.add(Term.atom(m));
        try {
            return node.call(BridgeContract.BRIDGE, handlerNode, Term.tuple(Term.atom("modules"), Term.list(mods)),
                    CHECK_TIMEOUT).get(CHECK_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new MissingModuleException("erlang-bridge on node " + handlerNode + " did not answer (" + cause
                    + "): is the node up, with the same cookie, and corral_bridge started?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MissingModuleException("interrupted while asking " + handlerNode + " for its handler modules");
        }
    }

    /** Builds an endpoint per Erlang route, after one check call for all their modules. */
    public static Map<Route, HandlerEndpoint> resolve(List<Route> routes, ErlangNode node, String handlerNode)
            throws MissingModuleException {
        return resolve(routes, node, handlerNode, null);
    }

    /** As {@link #resolve(List, ErlangNode, String)}; a missing module's error names {@code routesName} and the line. */
    public static Map<Route, HandlerEndpoint> resolve(List<Route> routes, ErlangNode node, String handlerNode,
            String routesName) throws MissingModuleException {
        Set<String> modules = new LinkedHashSet<>();
        for (Route r : routes) if (!r.isJavaHandler()) modules.add(r.handlerName());
        Map<Route, HandlerEndpoint> out = new LinkedHashMap<>();
        if (modules.isEmpty()) return out;
        Map<String, VersionProfile> generations = generations(node, handlerNode, modules, routes, routesName);
        for (Route r : routes) {
            if (r.isJavaHandler()) continue;
            out.put(r, new RemoteEndpoint(r.handlerName(), r.options(), handlerNode, generations.get(r.handlerName()), node));
        }
        return out;
    }

    /**
     * A node registers with epmd before its boot script has started erlang-bridge, so the first calls may find no
     * {@code corral_bridge}: ask {@code ping} until it answers.
     */
    private static void awaitBridge(ErlangNode node, String handlerNode) throws MissingModuleException {
        long deadline = System.nanoTime() + CHECK_TIMEOUT.toNanos();
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            try {
                Term pong = node.call(BridgeContract.BRIDGE, handlerNode, Term.atom("ping"), java.time.Duration.ofSeconds(2))
                        .get(3, TimeUnit.SECONDS);
                if (pong.isTagged("pong", 2) && pong.element(1).longValue() == BridgeContract.VERSION) return;
                throw new MissingModuleException("erlang-bridge on " + handlerNode + " speaks contract " + pong
                        + ", java-node speaks " + BridgeContract.VERSION);
            } catch (ExecutionException | TimeoutException e) {
                last = e instanceof ExecutionException ? e.getCause() : e;
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new MissingModuleException("erlang-bridge on node " + handlerNode + " did not answer within "
                + CHECK_TIMEOUT.toSeconds() + " s (" + last + "): is corral_bridge started there, with the same cookie?");
    }

    private static Map<String, VersionProfile> generations(ErlangNode node, String handlerNode, Set<String> modules,
            List<Route> routes, String routesName) throws MissingModuleException {
        List<Term> mods = new ArrayList<>();
        for (String m : modules) mods.add(Term.atom(m));
        awaitBridge(node, handlerNode);
        Term answer;
        try {
            answer = node.call(BridgeContract.BRIDGE, handlerNode, Term.tuple(Term.atom("generations"), Term.list(mods)),
                    CHECK_TIMEOUT).get(CHECK_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new MissingModuleException("erlang-bridge on node " + handlerNode + " did not answer (" + cause
                    + "): is the node up, with the same cookie, and corral_bridge started?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MissingModuleException("interrupted while asking " + handlerNode + " for its handler modules");
        }
        Map<String, VersionProfile> out = new LinkedHashMap<>();
        if (answer.isTagged("error", 2)) {
            List<String> problems = new ArrayList<>();
            for (Term t : answer.element(1).listValue()) {
                String module = t.element(0).atomValue();
                String where = routes.stream().filter(r -> r.handlerName().equals(module))
                        .map(r -> (routesName == null ? "" : routesName + ":" + r.line() + ": ")
                                + "route " + r.pathPattern())
                        .collect(java.util.stream.Collectors.joining(", "));
                problems.add(where + ": module " + module + " is not loadable on node " + handlerNode + " ("
                        + t.element(1) + ")");
            }
            throw new MissingModuleException(String.join("; ", problems));
        }
        for (Term t : answer.element(1).listValue()) {
            String gen = t.element(1).atomValue();
            out.put(t.element(0).atomValue(), gen.equals("1.x") ? VersionProfile.V1_1 : VersionProfile.V2_LATEST);
        }
        return out;
    }
}
