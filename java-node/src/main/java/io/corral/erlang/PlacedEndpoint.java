package io.corral.erlang;

import io.corral.api.Frame;
import io.corral.api.Term;
import io.corral.config.VersionProfile;
import io.corral.connection.ConnectionProcess;
import io.corral.connection.HandlerEndpoint;
import io.corral.handshake.UpgradeRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An Erlang route served by several handler nodes: each upgrade is placed on one of the live nodes that run the
 * module ({@link HandlerNodes#serving}) by the route's {@link Placement}, then driven by that node's
 * {@link RemoteEndpoint}. With no node able to serve, the client gets 503 at once (docs/design.md, failure model).
 * The node's count goes up when the upgrade is placed and down when the connection's process exits, however it ends.
 */
public final class PlacedEndpoint implements HandlerEndpoint {

    private final String module;
    private final Term options;
    private final VersionProfile generation;
    private final HandlerNodes nodes;
    private final Placement placement;
    private final ErlangNode local;
    private final Map<String, RemoteEndpoint> byNode = new ConcurrentHashMap<>();
    private final AtomicLong turn = new AtomicLong();
    /** Marks an attempt abandoned because its node went down; never reaches the client. */
    private static final InitDecision.Crash NODE_WENT_DOWN = new InitDecision.Crash("the handler node went down");

    public PlacedEndpoint(String module, Term options, VersionProfile generation, HandlerNodes nodes,
            Placement placement, ErlangNode local) {
        this.module = module;
        this.options = options;
        this.generation = generation;
        this.nodes = nodes;
        this.placement = placement;
        this.local = local;
    }

    @Override
    public String name() {
        return module;
    }

    /**
     * The metrics tag: the handler nodes given at start, comma-separated (one node in the common case). Placement
     * may also use nodes discovered later; per-node counts are {@link HandlerNodes#load}.
     */
    @Override
    public String node() {
        return String.join(",", nodes.configured());
    }

    @Override
    public VersionProfile defaultProfile() {
        return generation;
    }

    @Override
    public CompletionStage<InitDecision> init(UpgradeRequest request, ConnectionProcess process) {
        CompletableFuture<InitDecision> decision = new CompletableFuture<>();
        try {
            place(request, process, decision, List.of());
        } catch (RuntimeException e) {
            decision.completeExceptionally(e); // the client gets a 500; nothing escapes into the event loop
        }
        return decision;
    }

    /**
     * Places the upgrade on a node other than {@code excluded}. When the node goes down while its init runs (the
     * open went to a node that died in the meantime, and no answer will come), the upgrade is placed again on
     * another live node rather than left to time out, so no client sees an error while a node can serve.
     */
    private void place(UpgradeRequest request, ConnectionProcess process, CompletableFuture<InitDecision> decision,
            List<String> excluded) {
        // The node's own connection set is checked too: it drops a node before node listeners hear of it.
        java.util.Set<String> up = local.connectedNodes();
        List<String> candidates = nodes.serving(module).stream()
                .filter(n -> !excluded.contains(n) && up.contains(n)).toList();
        if (candidates.isEmpty()) {
            decision.complete(new InitDecision.Reply(503, Map.of(), Frame.EMPTY));
            return;
        }
        String chosen = placement.choose(candidates, nodes::load, placement.key(request), turn.getAndIncrement());
        nodes.placed(chosen);
        process.whenExited(() -> nodes.released(chosen));
        CompletableFuture<InitDecision> attempt = byNode
                .computeIfAbsent(chosen, n -> new RemoteEndpoint(module, options, n, generation, local))
                .init(request, process).toCompletableFuture();
        Runnable unwatch = nodes.whileUp(chosen, () -> process.eventLoop().execute(() -> {
            // Completing the attempt ourselves disarms RemoteEndpoint's init timeout (it exits the process only
            // when it completes the stage itself); the next init attaches its own target to the process.
            if (!attempt.complete(NODE_WENT_DOWN) || decision.isDone()) return;
            nodes.released(chosen); // the next placement sets its own exit hook in place of this node's
            List<String> more = new java.util.ArrayList<>(excluded);
            more.add(chosen);
            place(request, process, decision, more);
        }));
        attempt.whenComplete((d, e) -> {
            unwatch.run();
            if (e != null) {
                decision.completeExceptionally(e);
            } else if (d instanceof InitDecision.Reply r && r.status() == 503 && !local.connectedNodes().contains(chosen)) {
                // RemoteEndpoint found its node gone between the choice and the open: place again elsewhere.
                process.eventLoop().execute(() -> {
                    nodes.released(chosen);
                    List<String> more = new java.util.ArrayList<>(excluded);
                    more.add(chosen);
                    place(request, process, decision, more);
                });
            } else if (d != NODE_WENT_DOWN) {
                decision.complete(d);
            }
        });
    }
}
