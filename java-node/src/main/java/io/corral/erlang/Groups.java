package io.corral.erlang;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.corral.api.Term;
import io.corral.connection.ProcessBinding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pg groups for this JVM's connections (docs/cluster.md, "pg groups for Java connections"). pg only takes local
 * pids, so for each group that has members here one relay process on an erlang-bridge node is the group's member
 * for all of them; what Erlang sends to the relay comes here once, as {@code {'$corral', 3, fanout, Scope, Group,
 * Msg}}, to this JVM's group pid, and is handed to each member's pid as if sent to it.
 *
 * <p>The group pid links to every relay: a relay that dies (its node went down, its scope stopped) sends an exit
 * signal, and the group gets a new relay on another bridge node; a JVM that goes away takes its relays with it.
 * Memory per membership: one entry in the group's member set (the connection keeps its own set of groups, and this
 * JVM's index of members, {@code LocalGroups}, one more entry).
 */
public final class Groups implements ProcessBinding.Sink, NodeListener {

    private static final Logger log = LoggerFactory.getLogger(Groups.class);
    static final Duration RELAY_TIMEOUT = Duration.ofSeconds(10);
    static final OtpErlangAtom LEFT = new OtpErlangAtom("left");

    /** A pg group: a scope (an atom) and any term. */
    record Key(String scope, OtpErlangObject group) {}

    /** One group's members here and its relay. Guarded by Groups.this. */
    private static final class Group {
        final Set<OtpErlangPid> members = new HashSet<>();
        OtpErlangPid relay;
        /** Joins waiting for the relay; non-null while one is being asked for. */
        List<CompletableFuture<Void>> waiting;
    }

    private final ErlangNode node;
    private final ProcessBinding self;
    private final Map<Key, Group> groups = new HashMap<>();

    Groups(ErlangNode node) {
        this.node = node;
        this.self = node.bind(this);
        node.addNodeListener(this);
    }

    /**
     * {@code pg:join(Scope, Group, Pid)} for a connection's pid. Completes when messages sent to the group's members
     * reach it (at once when the group already has a relay). Fails when no connected erlang-bridge node can run a
     * relay now; the pid stays a member and is reached once a bridge node comes up.
     */
    public CompletableFuture<Void> join(OtpErlangPid member, String scope, Term group) {
        Key key = new Key(scope, group.raw());
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean ask = false;
        synchronized (this) {
            Group g = groups.computeIfAbsent(key, k -> new Group());
            g.members.add(member);
            if (g.relay != null) {
                done.complete(null);
            } else {
                if (g.waiting == null) {
                    g.waiting = new ArrayList<>();
                    ask = true;
                }
                g.waiting.add(done);
            }
        }
        if (ask) askRelay(key, bridgeCandidates(key));
        return done;
    }

    /**
     * {@code pg:leave(Scope, Group, Pid)}; the last member to leave stops the relay. A connection's process that
     * ends leaves each of its groups through here ({@code ConnectionProcess}, which knows them: no second index of
     * groups per member is kept).
     */
    public void leave(OtpErlangPid member, String scope, Term group) {
        removeMember(new Key(scope, group.raw()), member);
    }

    private void removeMember(Key key, OtpErlangPid member) {
        OtpErlangPid stop = null;
        synchronized (this) {
            Group g = groups.get(key);
            if (g == null || !g.members.remove(member) || !g.members.isEmpty()) return;
            if (g.waiting == null) {
                groups.remove(key);
                stop = g.relay;
            } // else the relay being asked for is stopped when it arrives
        }
        if (stop != null) stopRelay(stop);
    }

    /** Groups with members here (for leak checks). */
    public synchronized int groupCount() {
        return groups.size();
    }

    // ---- relays ----

    /** Connected nodes, in rendezvous order for this group, so relays of different groups spread over the nodes. */
    private List<String> bridgeCandidates(Key key) {
        String k = key.scope() + "/" + key.group();
        List<String> nodes = new ArrayList<>(node.connectedNodes());
        nodes.sort(Comparator.comparing((String n) -> Placement.Hash.score(n, k), Long::compareUnsigned).reversed());
        return nodes;
    }

    /** Asks the first candidate's {@code corral_bridge} for a relay, then the next on failure. */
    private void askRelay(Key key, List<String> candidates) {
        if (candidates.isEmpty()) {
            // Nobody can relay now. The members stay members and get a relay when a node comes up (nodeUp); the
            // joins waiting for one are told it is not there yet.
            List<CompletableFuture<Void>> failed;
            synchronized (this) {
                Group g = groups.get(key);
                if (g == null) return;
                failed = g.waiting;
                g.waiting = null;
            }
            if (failed != null) {
                IllegalStateException e = new IllegalStateException("no erlang-bridge node can relay pg group "
                        + key.group() + " of scope " + key.scope() + " now; the membership takes effect when one can");
                for (CompletableFuture<Void> f : failed) f.completeExceptionally(e);
            }
            return;
        }
        String target = candidates.getFirst();
        List<String> rest = candidates.subList(1, candidates.size());
        Term request = Term.tuple(Term.atom("relay"), Term.pid(self.pid()), Term.atom(key.scope()), Term.of(key.group()));
        node.call(BridgeContract.BRIDGE, target, request, RELAY_TIMEOUT).whenComplete((answer, error) -> {
            if (error != null || !answer.isTagged("ok", 2)) {
                log.debug("no relay for {} on {}: {}", key, target, error != null ? error : answer);
                askRelay(key, rest);
                return;
            }
            OtpErlangPid relay = answer.element(1).pidValue();
            List<CompletableFuture<Void>> ready;
            boolean unused;
            synchronized (this) {
                Group g = groups.get(key);
                unused = g == null || g.members.isEmpty();
                if (unused) {
                    groups.remove(key);
                    ready = List.of();
                } else {
                    g.relay = relay;
                    ready = g.waiting == null ? List.of() : g.waiting;
                    g.waiting = null;
                }
            }
            if (unused) {
                self.link(relay); // the exit signal that stops it travels through the link, after it
                stopRelay(relay);
            } else {
                // Linked once it is the group's relay: an exit signal (even noproc, if it already died) then finds it.
                self.link(relay);
            }
            for (CompletableFuture<Void> f : ready) f.complete(null);
        });
    }

    /**
     * An exit signal through the link (the relay does not trap exits, so it ends; pg drops it). Not unlinked first:
     * a link exit signal is ignored by a process no longer linked to the sender. The relay's own exit signal that
     * comes back matches no group and is ignored.
     */
    private void stopRelay(OtpErlangPid relay) {
        node.exitSignal(self.pid(), relay, new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangAtom("shutdown"), LEFT}));
    }

    /** A relay died: its group gets a new one on another node. */
    @Override
    public void exitSignal(OtpErlangPid from, OtpErlangObject reason) {
        List<Key> orphaned = new ArrayList<>();
        // A relay ended by noconnection went with its node: that node is no candidate for the new one, though its
        // connection may still be in the node table while its close is being reported.
        String gone = reason instanceof OtpErlangAtom a && a.atomValue().equals("noconnection") ? from.node() : null;
        synchronized (this) {
            for (Map.Entry<Key, Group> e : groups.entrySet()) {
                Group g = e.getValue();
                if (from.equals(g.relay)) {
                    g.relay = null;
                    if (g.waiting == null) {
                        g.waiting = new ArrayList<>();
                        orphaned.add(e.getKey());
                    }
                }
            }
        }
        for (Key k : orphaned) {
            log.info("relay of pg group {} in scope {} ended ({}): asking another node", k.group(), k.scope(), reason);
            List<String> candidates = bridgeCandidates(k);
            if (gone != null) candidates.remove(gone);
            askRelay(k, candidates);
        }
    }

    /** A node came up: groups left without a relay (no node could run one) get one. */
    @Override
    public void nodeUp(String n) {
        List<Key> orphaned = new ArrayList<>();
        synchronized (this) {
            for (Map.Entry<Key, Group> e : groups.entrySet()) {
                Group g = e.getValue();
                if (g.relay == null && g.waiting == null && !g.members.isEmpty()) {
                    g.waiting = new ArrayList<>();
                    orphaned.add(e.getKey());
                }
            }
        }
        for (Key k : orphaned) askRelay(k, bridgeCandidates(k));
    }

    // ---- what relays send ----

    @Override
    public void deliver(OtpErlangObject message) {
        if (!(message instanceof OtpErlangTuple t && t.arity() == 6 && BridgeContract.TAG.equals(t.elementAt(0))
                && t.elementAt(2) instanceof OtpErlangAtom kind && kind.atomValue().equals("fanout")
                && t.elementAt(3) instanceof OtpErlangAtom scope)) {
            return;
        }
        Key key = new Key(scope.atomValue(), t.elementAt(4));
        OtpErlangObject msg = t.elementAt(5);
        OtpErlangPid[] to;
        synchronized (this) {
            Group g = groups.get(key);
            if (g == null) return;
            to = g.members.toArray(OtpErlangPid[]::new);
        }
        for (OtpErlangPid p : to) node.send(self.pid(), p, msg);
    }
}
