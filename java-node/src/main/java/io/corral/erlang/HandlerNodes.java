package io.corral.erlang;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import io.corral.api.Term;
import io.corral.connection.ProcessBinding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler nodes this JVM may place Erlang routes on, as they come and go: the nodes given at start
 * ({@code --erlang-node}, reconnected by {@link ErlangNode} when they come back) and the nodes discovered through pg
 * (every erlang-bridge's {@code corral_bridge} is a member of group {@code corral_bridge} in scope
 * {@code corral_cluster}; each bridge this JVM is connected to pushes the member nodes whenever pg reports a change).
 * A node serves a module once it is connected and has said it can load that module with the expected generation;
 * it stops serving the moment its connection goes down.
 *
 * <p>State changes happen on the node's event thread (node up/down, a bridge's report, a module answer); what
 * placement reads per upgrade is an immutable snapshot, so an event loop never waits on a lock.
 */
public final class HandlerNodes implements NodeListener, ProcessBinding.Sink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HandlerNodes.class);
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(10);

    private final ErlangNode node;
    /** Module -> the generation its routes were resolved with ("1.x" or "2.x"). */
    private final Map<String, String> modules;
    private final Set<String> configured;
    /** Whether the bridges' pg member lists add nodes (off: the configured nodes only). */
    private final boolean discover;
    private final ProcessBinding subscriber;
    private final Map<String, AtomicInteger> load = new ConcurrentHashMap<>();
    /** Node -> what to run if it goes down (upgrades waiting for their init there). */
    private final Map<String, Set<Runnable>> watchers = new ConcurrentHashMap<>();

    // Guarded by this.
    private final Set<String> connected = new TreeSet<>();
    /** Node -> the modules it answered it can run (with the right generation). */
    private final Map<String, Set<String>> capable = new HashMap<>();
    /** Reporting bridge node -> the bridge nodes its pg sees. */
    private final Map<String, Set<String>> reports = new HashMap<>();
    private volatile Map<String, List<String>> serving = Map.of();
    private volatile boolean closed;
    /**
     * Retries the known nodes that are not connected: a discovered node that was partitioned away is still a pg
     * member for the bridges that report it, and no new report comes when it is reachable again. (The nodes given
     * at start are also {@link ErlangNode}'s peers; retrying them here too costs one epmd lookup.)
     */
    private final java.util.concurrent.ScheduledExecutorService retry = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("corral-handler-nodes").factory());
    static final Duration RETRY_INTERVAL = Duration.ofMillis(500);

    /**
     * @param modules every module the Erlang routes name, with the generation ("1.x" or "2.x") each was resolved to
     * @param configured the nodes given at start
     */
    public HandlerNodes(ErlangNode node, Map<String, String> modules, List<String> configured) {
        this(node, modules, configured, true);
    }

    /** As above; {@code discover} false uses the configured nodes only (the bridges' member lists are ignored). */
    public HandlerNodes(ErlangNode node, Map<String, String> modules, List<String> configured, boolean discover) {
        this.discover = discover;
        this.node = node;
        this.modules = Map.copyOf(modules);
        this.configured = new LinkedHashSet<>(configured);
        this.subscriber = node.bind(this);
        node.addNodeListener(this);
        for (String n : node.connectedNodes()) nodeUp(n);
        retry.scheduleWithFixedDelay(this::reconnect, RETRY_INTERVAL.toMillis(), RETRY_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void reconnect() {
        Set<String> down;
        synchronized (this) {
            if (closed) return;
            down = known();
            down.removeAll(connected);
        }
        Set<String> up = node.connectedNodes();
        for (String n : down) {
            if (up.contains(n)) nodeUp(n); // connected while unknown
            else node.connect(n);
        }
    }

    /** The connected nodes that can run {@code module}, sorted by name (empty when none can). */
    public List<String> serving(String module) {
        return serving.getOrDefault(module, List.of());
    }

    /** Every node known now (given at start, or reported by a bridge), connected or not. */
    public synchronized Set<String> known() {
        Set<String> all = new TreeSet<>(configured);
        for (Set<String> r : reports.values()) all.addAll(r);
        return all;
    }

    /** The nodes given at start, in their order. */
    public List<String> configured() {
        return List.copyOf(configured);
    }

    /** Live connections this JVM has placed on {@code n}. */
    public int load(String n) {
        AtomicInteger c = load.get(n);
        return c == null ? 0 : c.get();
    }

    void placed(String n) {
        load.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
    }

    /**
     * Runs {@code r} once, on the node's event thread, if {@code n} goes down before the returned handle is run; at
     * once if it is not connected now.
     */
    Runnable whileUp(String n, Runnable r) {
        Set<Runnable> set = watchers.computeIfAbsent(n, k -> ConcurrentHashMap.newKeySet());
        set.add(r);
        boolean up;
        synchronized (this) {
            up = connected.contains(n);
        }
        if (!up && set.remove(r)) r.run();
        return () -> set.remove(r);
    }

    void released(String n) {
        AtomicInteger c = load.get(n);
        if (c != null) c.decrementAndGet();
    }

    /** The pid bridges push their member lists to (for tests). */
    OtpErlangPid subscriberPid() {
        return subscriber.pid();
    }

    // ---- node events (the node's event thread) ----

    @Override
    public void nodeUp(String n) {
        synchronized (this) {
            if (closed || !known().contains(n) || !connected.add(n)) return;
        }
        checkModules(n, System.nanoTime() + CHECK_TIMEOUT.toNanos());
    }

    @Override
    public void nodeDown(String n, String reason) {
        synchronized (this) {
            connected.remove(n);
            capable.remove(n); // a node that comes back may run other code: ask again
            reports.remove(n);
            publish();
        }
        Set<Runnable> waiting = watchers.remove(n);
        if (waiting == null) return;
        for (Runnable r : waiting) {
            // Each upgrade waiting there is placed again on its connection's loop; one that cannot be (its loop is
            // shutting down and refuses the task) must not keep the ones after it from being placed.
            try {
                r.run();
            } catch (java.util.concurrent.RejectedExecutionException e) {
                log.debug("an upgrade waiting on {} was not placed again: its event loop is shutting down", n);
            } catch (RuntimeException e) {
                log.warn("an upgrade waiting on {} was not placed again", n, e);
            }
        }
    }

    /**
     * Asks {@code n} which modules it runs. A node registers with epmd before its boot has started erlang-bridge, so
     * a node that has no {@code corral_bridge} yet is asked again every 200 ms until {@code deadline}.
     */
    private void checkModules(String n, long deadline) {
        List<Term> mods = new ArrayList<>();
        for (String m : modules.keySet()) mods.add(Term.atom(m));
        node.call(BridgeContract.BRIDGE, n, Term.tuple(Term.atom("modules"), Term.list(mods)), CHECK_TIMEOUT)
                .whenComplete((answer, error) -> {
                    if (error != null) {
                        boolean up;
                        synchronized (this) {
                            up = connected.contains(n) && !closed;
                        }
                        if (up && System.nanoTime() < deadline) {
                            CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS)
                                    .execute(() -> checkModules(n, deadline));
                        } else if (up) {
                            log.warn("Erlang node {} did not say which handler modules it runs ({}): not used", n,
                                    error.toString());
                        }
                        return;
                    }
                    // The bridge runs: subscribe to its member list (sent at once, then on every change).
                    node.send(BridgeContract.BRIDGE, n, Term.tuple(Term.atom("$corral"),
                            Term.integer(BridgeContract.VERSION), Term.atom("subscribe"), Term.pid(subscriber.pid())));
                    Set<String> can = new TreeSet<>();
                    List<String> cannot = new ArrayList<>();
                    for (Term t : answer.listValue()) {
                        String m = t.element(0).atomValue();
                        Term gen = t.element(1);
                        if (gen.isAtom() && gen.atomValue().equals(modules.get(m))) can.add(m);
                        else cannot.add(m + " (" + gen + ")");
                    }
                    if (!cannot.isEmpty()) log.warn("Erlang node {} is not used for {}", n, cannot);
                    synchronized (this) {
                        if (!connected.contains(n)) return;
                        capable.put(n, can);
                        publish();
                    }
                    log.info("Erlang node {} serves {}", n, can);
                });
    }

    // ---- a bridge's member list (JInterface's thread: must not block) ----

    @Override
    public void deliver(OtpErlangObject message) {
        if (!discover) return; // subscribed all the same: a bridge lists its subscribers (corral_cluster:jvms/0)
        Term t = Term.of(message);
        if (!(t.isTuple(5) && t.element(0).isAtom("$corral") && t.element(2).isAtom("bridge_nodes"))) return;
        String from = t.element(3).atomValue();
        Set<String> nodes = new TreeSet<>();
        for (Term n : t.element(4).listValue()) nodes.add(n.atomValue());
        List<String> toConnect = new ArrayList<>();
        synchronized (this) {
            if (closed || !connected.contains(from)) return;
            reports.put(from, nodes);
            for (String n : nodes) if (!connected.contains(n)) toConnect.add(n);
            publish();
        }
        Set<String> up = node.connectedNodes();
        for (String n : toConnect) {
            // Already connected (its nodeUp came while it was unknown): take it now. Otherwise connecting sets off
            // nodeUp, which subscribes to it and asks it for its modules.
            if (up.contains(n)) nodeUp(n);
            else node.connect(n);
        }
    }

    @Override
    public void exitSignal(OtpErlangPid from, OtpErlangObject reason) {
        // The subscriber links to nothing.
    }

    /** Recomputes the snapshot placement reads. Holds this. */
    private void publish() {
        Set<String> known = known();
        Map<String, List<String>> out = new HashMap<>();
        for (String m : modules.keySet()) {
            List<String> nodes = new ArrayList<>();
            for (String n : connected) {
                Set<String> can = capable.get(n);
                if (can != null && can.contains(m) && known.contains(n)) nodes.add(n);
            }
            out.put(m, List.copyOf(nodes));
        }
        serving = Map.copyOf(out);
    }

    @Override
    public void close() {
        closed = true;
        retry.shutdownNow();
        node.removeNodeListener(this);
        subscriber.exit(ErlangNode.NORMAL);
    }
}
