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
    private Set<OtpErlangPid> links; // created on first link: most connections have none or one
    private Map<OtpErlangRef, OtpErlangPid> monitors;

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
            if (links == null) links = new HashSet<>();
            if (!links.add(other)) return;
        }
        node.link(this, other);
    }

    @Override
    public void unlink(OtpErlangPid other) {
        synchronized (this) {
            if (links == null || !links.remove(other)) return;
        }
        node.unlink(pid, other);
    }

    @Override
    public void exit(OtpErlangObject reason) {
        List<OtpErlangPid> linked;
        Map<OtpErlangRef, OtpErlangPid> watchers;
        synchronized (this) {
            if (!alive) return;
            alive = false;
            linked = links == null ? List.of() : new ArrayList<>(links);
            watchers = monitors == null ? Map.of() : monitors;
            links = null;
            monitors = null;
        }
        node.unregister(pid);
        for (OtpErlangPid other : linked) node.exitSignal(pid, other, reason);
        watchers.forEach((ref, watcher) -> node.monitorExit(pid, watcher, ref, reason));
    }

    // ---- what arrives (JInterface threads, or a local sender) ----

    @Override
    public void message(OtpErlangPid from, OtpErlangObject message) {
        sink.deliver(message);
    }

    @Override
    public void linked(OtpErlangPid from) {
        synchronized (this) {
            if (alive) {
                if (links == null) links = new HashSet<>();
                links.add(from);
                return;
            }
        }
        node.exitSignal(pid, from, ErlangNode.NOPROC);
    }

    @Override
    public void unlinked(OtpErlangPid from, long unlinkId) {
        synchronized (this) {
            if (links != null) links.remove(from);
        }
        if (unlinkId != 0) node.unlinkAck(pid, from, unlinkId);
    }

    @Override
    public void exit(OtpErlangPid from, OtpErlangObject reason, boolean link) {
        if (link) {
            synchronized (this) {
                // After unlink/1 no exit signal from that link is delivered (as in Erlang).
                if (!alive || links == null || !links.remove(from)) return;
            }
        }
        sink.exitSignal(from, reason);
    }

    /** A link could not be set up: as Erlang, the linker gets an exit signal ({@code noproc} or {@code noconnection}). */
    void linkFailed(OtpErlangPid other, OtpErlangObject reason) {
        synchronized (this) {
            if (!alive || links == null || !links.remove(other)) return;
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
        synchronized (this) {
            if (!alive) return;
            if (monitors != null) monitors.values().removeIf(w -> w.node().equals(peer));
            if (links != null) {
                for (OtpErlangPid l : links) if (l.node().equals(peer)) broken.add(l);
                broken.forEach(links::remove);
            }
        }
        for (OtpErlangPid l : broken) sink.exitSignal(l, ErlangNode.NOCONNECTION);
    }

    synchronized int linkCount() {
        return links == null ? 0 : links.size();
    }

    synchronized int monitorCount() {
        return monitors == null ? 0 : monitors.size();
    }
}
