package io.corral.erlang;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import io.corral.connection.ProcessBinding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A connection's pid. Holds its links and the monitors on it; the sink hears messages and exit signals. State is
 * guarded by {@code this}: JInterface threads (one per peer) and the connection's event loop both touch it, briefly.
 */
final class Binding implements ProcessBinding, LocalProcess {

    private final ErlangNode node;
    private final OtpErlangPid pid;
    private final Sink sink;
    private boolean alive = true;
    /**
     * The links. A connection to an Erlang route has none (its proxy is not linked to it: {@link #servedBy}), a Java
     * handler's none or a few: the first is a field, a set is made only for a second (a HashSet holding one pid is
     * 176 bytes).
     */
    private OtpErlangPid link;
    private Set<OtpErlangPid> moreLinks;
    private Map<OtpErlangRef, OtpErlangPid> monitors;

    /**
     * The proxy whose answers this pid reads straight from their bytes ({@link BridgeAnswers}); null until a session
     * with one runs. Set on the connection's event loop, read on the distribution connection's.
     */
    private volatile BridgeAnswers.Proxy answersFrom;

    /**
     * The Erlang node running this connection's remote handler, null when none does: when the connection to it
     * drops, this pid gets the {@code noconnection} exit signal a link with the proxy would have given (the bridge
     * holds no link, CONTRACT.md section 5). Guarded by this.
     */
    private String servedBy;
    /**
     * The proxy has not been told that this connection ends ({@code terminate} sent, or it ended itself): if this pid
     * exits first, it sends {@code down} to the bridge of {@link #servedBy}, which stops the proxy. Guarded by this.
     */
    private boolean downOwed;

    Binding(ErlangNode node, OtpErlangPid pid, Sink sink) {
        this.node = node;
        this.pid = pid;
        this.sink = sink;
    }

    @Override
    public java.util.concurrent.CompletableFuture<io.corral.api.Term> call(OtpErlangPid server,
            io.corral.api.Term request, java.time.Duration timeout) {
        return node.call(server, request, timeout);
    }

    @Override
    public java.util.concurrent.CompletableFuture<io.corral.api.Term> call(String name, String nodeName,
            io.corral.api.Term request, java.time.Duration timeout) {
        return node.call(name, nodeName, request, timeout);
    }

    @Override
    public OtpErlangPid pid() {
        return pid;
    }

    @Override
    public void send(OtpErlangPid to, OtpErlangObject msg) {
        node.send(pid, to, msg);
    }

    @Override
    public void send(String name, String nodeName, OtpErlangObject msg) {
        node.send(pid, name, nodeName, msg);
    }

    @Override
    public java.util.concurrent.CompletableFuture<Void> join(String scope, io.corral.api.Term group) {
        return node.groups().join(pid, scope, group);
    }

    @Override
    public void leave(String scope, io.corral.api.Term group) {
        node.groups().leave(pid, scope, group);
    }

    @Override
    public void link(OtpErlangPid other) {
        synchronized (this) {
            if (!alive || other.equals(pid)) return;
            if (!addLink(other)) return;
        }
        node.link(this, other);
    }

    @Override
    public void unlink(OtpErlangPid other) {
        synchronized (this) {
            if (!removeLink(other)) return;
        }
        node.unlink(pid, other);
    }

    @Override
    public void exit(OtpErlangObject reason) {
        List<OtpErlangPid> linked;
        Map<OtpErlangRef, OtpErlangPid> watchers;
        String owesDown;
        synchronized (this) {
            if (!alive) return;
            alive = false;
            owesDown = downOwed ? servedBy : null;
            servedBy = null;
            downOwed = false;
            linked = links();
            watchers = monitors == null ? Map.of() : monitors;
            link = null;
            moreLinks = null;
            monitors = null;
        }
        node.unregister(pid);
        if (owesDown != null) node.send(pid, BridgeContract.BRIDGE, owesDown, BridgeContract.down(pid));
        for (OtpErlangPid other : linked) node.exitSignal(pid, other, reason);
        watchers.forEach((ref, watcher) -> node.monitorExit(pid, watcher, ref, reason));
    }

    /** The node that runs this connection's handler from now on (see {@link #servedBy}); its proxy is owed a down. */
    synchronized void servedBy(String node) {
        if (!alive) return;
        servedBy = node;
        downOwed = true;
    }

    /** The proxy knows the session is over (told terminate, or it ended, or it never ran one): no down is owed. */
    synchronized void handlerTold() {
        downOwed = false;
    }

    /** From now on the answers of {@code proxy} are read from their bytes; any other message as a term. */
    void readAnswersOf(OtpErlangPid proxy) {
        answersFrom = BridgeAnswers.Proxy.of(proxy);
    }

    // ---- what arrives (JInterface threads, or a local sender) ----

    @Override
    public OtpErlangObject decode(com.ericsson.otp.erlang.InterningInputStream in)
            throws com.ericsson.otp.erlang.OtpErlangDecodeException {
        BridgeAnswers.Proxy proxy = answersFrom;
        // Large payloads become slices of the packet's buffer only when this connection runs on the distribution
        // connection's event loop: a buffer of one loop's allocator held and released by another's showed as RSS
        // spikes of up to 120 MiB under FloodTest's floods (the outgoing twin, DistTransport's writeSpliced).
        if (in.hasSource() && !sink.consumedOnThisThread()) in.source(null, 0);
        OtpErlangObject answer = proxy == null ? null : BridgeAnswers.read(in, proxy); // null: the stream is unmoved
        return answer != null ? answer : in.read_any();
    }

    @Override
    public void message(OtpErlangPid from, OtpErlangObject message) {
        sink.deliver(message);
    }

    @Override
    public void linked(OtpErlangPid from) {
        synchronized (this) {
            if (alive) {
                addLink(from);
                return;
            }
        }
        node.exitSignal(pid, from, ErlangNode.NOPROC);
    }

    @Override
    public void unlinked(OtpErlangPid from, long unlinkId) {
        synchronized (this) {
            removeLink(from);
        }
        if (unlinkId != 0) node.unlinkAck(pid, from, unlinkId);
    }

    @Override
    public void exit(OtpErlangPid from, OtpErlangObject reason, boolean link) {
        if (link) {
            synchronized (this) {
                // After unlink/1 no exit signal from that link is delivered (as in Erlang).
                if (!alive || !removeLink(from)) return;
            }
        }
        sink.exitSignal(from, reason);
    }

    /** A link could not be set up: as Erlang, the linker gets an exit signal ({@code noproc} or {@code noconnection}). */
    void linkFailed(OtpErlangPid other, OtpErlangObject reason) {
        synchronized (this) {
            if (!alive || !removeLink(other)) return;
        }
        sink.exitSignal(other, reason);
    }

    @Override
    public synchronized boolean monitored(OtpErlangPid watcher, OtpErlangRef ref) {
        if (!alive) return false;
        if (monitors == null) monitors = new HashMap<>();
        monitors.put(ref, watcher);
        return true;
    }

    @Override
    public synchronized void demonitored(OtpErlangRef ref) {
        if (monitors != null) monitors.remove(ref);
    }

    @Override
    public void nodeDown(String peer) {
        List<OtpErlangPid> broken = new ArrayList<>();
        boolean handlerLost;
        synchronized (this) {
            if (!alive) return;
            if (monitors != null) monitors.values().removeIf(w -> w.node().equals(peer));
            for (OtpErlangPid l : links()) if (l.node().equals(peer)) broken.add(l);
            broken.forEach(this::removeLink);
            handlerLost = peer.equals(servedBy);
            if (handlerLost) {
                servedBy = null;
                downOwed = false; // nobody to tell
            }
        }
        for (OtpErlangPid l : broken) sink.exitSignal(l, ErlangNode.NOCONNECTION);
        if (handlerLost) {
            BridgeAnswers.Proxy proxy = answersFrom;
            sink.exitSignal(proxy == null ? null : proxy.pid(), ErlangNode.NOCONNECTION);
        }
    }

    synchronized int linkCount() {
        return (link == null ? 0 : 1) + (moreLinks == null ? 0 : moreLinks.size());
    }

    // ---- the link set: the first link in a field, any others in a set (guarded by this) ----

    /** Adds {@code p}; false when it was linked already. */
    private boolean addLink(OtpErlangPid p) {
        if (p.equals(link) || (moreLinks != null && moreLinks.contains(p))) return false;
        if (link == null) {
            link = p;
        } else {
            if (moreLinks == null) moreLinks = new HashSet<>();
            moreLinks.add(p);
        }
        return true;
    }

    /** Removes {@code p}; false when it was not linked. */
    private boolean removeLink(OtpErlangPid p) {
        if (p.equals(link)) {
            link = null;
            return true;
        }
        return moreLinks != null && moreLinks.remove(p);
    }

    /** A copy of the links, to act on outside the lock. */
    private List<OtpErlangPid> links() {
        if (moreLinks == null || moreLinks.isEmpty()) return link == null ? List.of() : List.of(link);
        List<OtpErlangPid> all = new ArrayList<>(moreLinks.size() + 1);
        if (link != null) all.add(link);
        all.addAll(moreLinks);
        return all;
    }

    synchronized int monitorCount() {
        return monitors == null ? 0 : monitors.size();
    }
}
