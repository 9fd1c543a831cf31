package io.corral.erlang;

import com.ericsson.otp.erlang.CorralOtpNode;
import com.ericsson.otp.erlang.OtpAuthException;
import com.ericsson.otp.erlang.OtpCookedConnection;
import com.ericsson.otp.erlang.OtpEpmd;
import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import com.ericsson.otp.erlang.OtpNodeStatus;
import io.corral.api.Term;
import io.corral.connection.ProcessBinding;
import io.corral.transport.IoLoops;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hidden Erlang node of a Corral server. Every {@link #bind} makes a pid whose messages and exit signals are pushed
 * to the connection's sink from JInterface's connection thread (no thread, no queue per connection); sends, links and
 * exits are queued to one writer per remote node, so no caller ever blocks on the network.
 *
 * <p>Beyond stock JInterface: Erlang processes can monitor these pids ({@code erlang:monitor/2} gets its
 * {@code 'DOWN'}), {@link #call} speaks {@code gen_server}'s protocol, and the registered process {@code corral}
 * answers {@code gen_server:call({corral, Node}, connections | listeners)}.
 */
public final class ErlangNode implements ProcessBinding.Factory, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ErlangNode.class);

    static final OtpErlangAtom NORMAL = new OtpErlangAtom("normal");
    static final OtpErlangAtom NOPROC = new OtpErlangAtom("noproc");
    static final OtpErlangAtom NOCONNECTION = new OtpErlangAtom("noconnection");
    private static final OtpErlangAtom GEN_CALL = new OtpErlangAtom("$gen_call");

    /** The registered name of the introspection service. */
    public static final String SERVICE_NAME = "corral";

    private final NodeSettings settings;
    private final CorralOtpNode node;
    private final Outbox outbox;
    private final ExecutorService writers;
    private final ExecutorService events;
    private final ExecutorService work;
    private final ScheduledExecutorService timer;
    private final List<NodeListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<String> up = ConcurrentHashMap.newKeySet();
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final OtpErlangPid system; // the sender of sends made on behalf of no binding
    private volatile Introspection introspection = Introspection.EMPTY;
    private final Groups groups;
    private final io.corral.connection.LocalGroups localGroups = new io.corral.connection.LocalGroups();
    private volatile boolean closed;
    private final IoLoops loops;
    private final boolean ownLoops;

    private ErlangNode(NodeSettings settings, IoLoops loops, boolean ownLoops) throws IOException {
        this.settings = settings;
        this.loops = loops;
        this.ownLoops = ownLoops;
        ensureEpmd(settings.epmdPort(), settings.distBind());
        // JInterface keeps the epmd port in a static: set it every time, so a node started after one on another port
        // does not inherit that port.
        OtpEpmd.useEpmdPort(settings.epmdPort());
        this.writers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("corral-erlang-writer").factory());
        this.work = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("corral-erlang-work-", 0).factory());
        this.events = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("corral-erlang-events").factory());
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("corral-erlang-timer").factory());
        CorralTransportFactory transport = new CorralTransportFactory(settings, this::control, loops);
        this.node = new CorralOtpNode(settings.nodeName(), settings.cookie(), transport);
        this.node.registerStatusHandler(new Status());
        this.node.startTicking(Math.max(1, settings.tickTime().toMillis() / 4));
        this.node.simultaneousWait(settings.handshakeTimeout().toMillis());
        transport.startAccepting(new CorralTransportFactory.Inbound() {
            @Override
            public void accept(com.ericsson.otp.erlang.OtpTransport t) throws IOException, OtpAuthException {
                node.acceptConnection(t);
            }

            @Override
            public void refused(String address, String nodeName, Exception why) {
                inboundRefused(address, nodeName, describe(why));
            }
        });
        this.outbox = new Outbox(node, writers);
        this.system = node.createPid();
        node.registerName(SERVICE_NAME, new CorralService(this));
        this.groups = new Groups(this);
        node.registerName(NetKernelService.NAME, new NetKernelService(this));
        for (String peer : settings.peers()) writers.execute(() -> node.connection(peer));
        long every = Math.max(100, settings.reconnectInterval().toMillis());
        timer.scheduleWithFixedDelay(this::reconnectPeers, every, every, TimeUnit.MILLISECONDS);
        log.info("Erlang node {} started (hidden), peers {}", node.node(), settings.peers());
    }

    /** Starts the node (and epmd, if none answers), registers it in epmd and connects to the configured peers. */
    public static ErlangNode start(NodeSettings settings) throws IOException {
        IoLoops loops = IoLoops.start(1);
        try {
            return new ErlangNode(settings, loops, true);
        } catch (IOException | RuntimeException e) {
            loops.close();
            throw e;
        }
    }

    /**
     * As {@link #start(NodeSettings)}, with the distribution connections on {@code loops}, which the caller closes
     * after this node (a Corral runs them on its WebSocket event loops: {@link IoLoops}).
     */
    public static ErlangNode start(NodeSettings settings, IoLoops loops) throws IOException {
        return new ErlangNode(settings, loops, false);
    }

    /** {@code name@host}. */
    public String name() {
        return node.node();
    }

    public NodeSettings settings() {
        return settings;
    }

    /** pg groups of this JVM's connections (docs/cluster.md). */
    public Groups groups() {
        return groups;
    }

    /**
     * This node's connections' groups as {@code sendLocal} reaches them: shared by every listener on this node, as
     * its pg groups are, and by no other node's (another Corral in the same JVM has its own).
     */
    public io.corral.connection.LocalGroups localGroups() {
        return localGroups;
    }

    /** Where the {@code corral} process gets its answers; the engine supplies it once it runs. */
    public void introspection(Introspection source) {
        introspection = source == null ? Introspection.EMPTY : source;
    }

    /** Distribution operations queued towards each node, not yet written (corral.erlang.queue.depth). */
    public Map<String, Integer> queueDepths() {
        return outbox.depths();
    }

    /** Waits until every queued distribution operation is written, or {@code max} has passed (a drain's last step). */
    public void awaitWritten(java.time.Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (outbox.depths().values().stream().anyMatch(d -> d > 0) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public int queueDepth(String node) {
        return outbox.depth(node);
    }

    Introspection introspection() {
        return introspection;
    }

    @Override
    public ProcessBinding bind(ProcessBinding.Sink sink) {
        if (closed) throw new IllegalStateException("Erlang node " + name() + " is closed");
        OtpErlangPid pid = node.createPid();
        Binding b = new Binding(this, pid, sink);
        node.register(pid, b); // the node's pid table is the only one: no second map of the same processes
        return b;
    }

    /**
     * Registers {@code name} as a process that answers {@code gen_server:call({Name, ThisNode}, Request)} with
     * {@code answer.apply(Request)}, computed on a work thread (it may block briefly; it never runs on an event loop
     * or a JInterface reader).
     */
    public void serve(String name, java.util.function.Function<Term, Term> answer) {
        node.registerName(name, new CallService(this, answer));
    }

    /** {@code To ! Msg} from no particular process. Any thread; never blocks. */
    public void send(OtpErlangPid to, Term msg) {
        send(system, to, msg.raw());
    }

    /** {@code {Name, Node} ! Msg}. Any thread; never blocks. */
    public void send(String name, String nodeName, Term msg) {
        send(system, name, nodeName, msg.raw());
    }

    public void addNodeListener(NodeListener l) {
        listeners.add(l);
    }

    public void removeNodeListener(NodeListener l) {
        listeners.remove(l);
    }

    /** Nodes with a live connection. */
    public Set<String> connectedNodes() {
        return Set.copyOf(up);
    }

    /** The last connection failure reported for {@code node} in its current outage, if any. */
    public Optional<String> connectFailure(String nodeName) {
        return Optional.ofNullable(failures.get(nodeName));
    }

    /**
     * Whether the failure reported for {@code nodeName} is a handshake that timed out (net_setuptime): the node is
     * registered and accepts TCP but does not answer (stopped, overloaded), rather than refusing or being absent.
     */
    public boolean unanswered(String nodeName) {
        String f = failures.get(nodeName);
        return f != null && f.contains(CorralTransportFactory.HANDSHAKE_TIMED_OUT);
    }

    /** Tries to connect to {@code node} (on a writer thread); completes with whether it is connected. */
    public CompletableFuture<Boolean> connect(String nodeName) {
        return CompletableFuture.supplyAsync(() -> node.connection(nodeName) != null, writers);
    }

    /**
     * {@code erlang:disconnect_node(Node)} from this side: closes the connection to {@code nodeName} if one is up.
     * The reader thread then ends as for a peer that closed, so everything a node-down does follows (links broken
     * with {@code noconnection}, node listeners told). Whoever reconnects later gets a new connection.
     *
     * @return whether a connection was up
     */
    public boolean disconnect(String nodeName) {
        com.ericsson.otp.erlang.OtpCookedConnection c = node.existingConnection(nodeName);
        if (c == null) return false;
        c.close();
        return true;
    }

    /** Live pids made by {@link #bind} (for leak checks). */
    public int processCount() {
        return (int) node.receivers().stream().filter(p -> p instanceof Binding).count();
    }

    // ---- gen_server:call ----

    /** {@code gen_server:call(Server, Request, Timeout)} to a pid. */
    public CompletableFuture<Term> call(OtpErlangPid server, Term request, Duration timeout) {
        return new Call(server, server.node(), request.raw(), timeout).start();
    }

    /** {@code gen_server:call({Name, Node}, Request, Timeout)}. */
    public CompletableFuture<Term> call(String name, String nodeName, Term request, Duration timeout) {
        return new Call(new OtpErlangAtom(name), nodeName, request.raw(), timeout).start();
    }

    /**
     * One call: a temporary pid monitors the server ({@code MONITOR_P}, so a missing or dying server fails the call
     * at once with its reason), sends {@code {'$gen_call', {Pid, Ref}, Request}} and waits for {@code {Ref, Reply}}
     * (what {@code gen_server:reply/2} sends to a plain tag). Completes on a corral-erlang thread, never on JInterface's.
     */
    private final class Call implements LocalProcess {
        private final OtpErlangObject server; // pid or name atom
        private final String serverNode;
        private final OtpErlangObject request;
        private final Duration timeout;
        private final OtpErlangPid pid = node.createPid();
        private final OtpErlangRef ref = node.createRef();
        private final CompletableFuture<Term> result = new CompletableFuture<>();
        private volatile boolean monitorFired;

        Call(OtpErlangObject server, String serverNode, OtpErlangObject request, Duration timeout) {
            this.server = server;
            this.serverNode = serverNode;
            this.request = request;
            this.timeout = timeout;
        }

        CompletableFuture<Term> start() {
            node.register(pid, this);
            OtpErlangTuple msg = new OtpErlangTuple(new OtpErlangObject[] {GEN_CALL,
                    new OtpErlangTuple(new OtpErlangObject[] {pid, ref}), request});
            if (serverNode.equals(name())) {
                boolean sent = server instanceof OtpErlangPid p ? node.deliverLocal(pid, p, msg)
                        : node.deliverLocal(pid, ((OtpErlangAtom) server).atomValue(), msg);
                if (!sent) finish(null, new CallFailedException(serverNode, Term.of(NOPROC)));
            } else {
                outbox.submit(serverNode, new Outbox.Op() {
                    @Override
                    public void run(OtpCookedConnection c) throws IOException {
                        CorralOtpNode.control(c, new OtpErlangLong(CorralOtpNode.MONITOR_P), pid, server, ref);
                        if (server instanceof OtpErlangPid p) CorralOtpNode.send(c, pid, p, msg);
                        else CorralOtpNode.send(c, pid, ((OtpErlangAtom) server).atomValue(), msg);
                    }

                    @Override
                    public void failed() {
                        finish(null, new CallFailedException(serverNode, Term.of(NOCONNECTION)));
                    }
                });
            }
            timer.schedule(() -> finish(null, new TimeoutException("gen_server:call to " + server + " on "
                    + serverNode + " timed out after " + timeout.toMillis() + " ms")), timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
            return result;
        }

        @Override
        public void message(OtpErlangPid from, OtpErlangObject message) {
            if (message instanceof OtpErlangTuple t && t.arity() == 2 && ref.equals(t.elementAt(0))) {
                finish(Term.of(t.elementAt(1)), null);
            }
        }

        @Override
        public void down(OtpErlangObject monitorRef, OtpErlangObject reason) {
            if (ref.equals(monitorRef)) {
                monitorFired = true;
                finish(null, new CallFailedException(serverNode, Term.of(reason)));
            }
        }

        @Override
        public void nodeDown(String peer) {
            if (peer.equals(serverNode)) {
                monitorFired = true;
                finish(null, new CallFailedException(serverNode, Term.of(NOCONNECTION)));
            }
        }

        private void finish(Term reply, Throwable error) {
            if (!node.unregister(pid)) return; // already finished
            if (!monitorFired && !serverNode.equals(name())) {
                outbox.submit(serverNode, c -> CorralOtpNode.control(c, new OtpErlangLong(CorralOtpNode.DEMONITOR_P),
                        pid, server, ref));
            }
            work.execute(() -> {
                if (error == null) result.complete(reply);
                else result.completeExceptionally(error);
            });
        }
    }

    // ---- operations for bindings (package-private) ----

    void send(OtpErlangPid from, OtpErlangPid to, OtpErlangObject msg) {
        if (to.node().equals(name())) {
            try {
                node.deliverLocal(from, to, msg);
            } finally {
                EncodedEvents.release(msg); // a local receiver took the term, not the buffers (never a proxy's pid)
            }
        } else {
            outbox.submit(to.node(), new Outbox.Send(to, msg)); // SEND carries no sender, as in JInterface
        }
    }

    void send(OtpErlangPid from, String toName, String nodeName, OtpErlangObject msg) {
        if (nodeName.equals(name())) {
            node.deliverLocal(from, toName, msg);
        } else {
            outbox.submit(nodeName, c -> CorralOtpNode.send(c, from, toName, msg));
        }
    }

    void link(Binding b, OtpErlangPid other) {
        if (other.node().equals(name())) {
            if (!node.linkLocal(b.pid(), other)) b.linkFailed(other, NOPROC);
            return;
        }
        outbox.submit(other.node(), new Outbox.Op() {
            @Override
            public void run(OtpCookedConnection c) throws IOException {
                CorralOtpNode.link(c, b.pid(), other);
            }

            @Override
            public void failed() {
                b.linkFailed(other, NOCONNECTION);
            }
        });
    }

    void unlink(OtpErlangPid from, OtpErlangPid other) {
        if (other.node().equals(name())) {
            node.unlinkLocal(from, other);
            return;
        }
        long id = System.nanoTime() | 1; // any non-zero id; acks are not waited for (see Binding.exit(..., link))
        outbox.submit(other.node(), c -> CorralOtpNode.unlink(c, from, other, id));
    }

    void unlinkAck(OtpErlangPid from, OtpErlangPid to, long id) {
        if (to.node().equals(name())) return;
        outbox.submit(to.node(), c -> CorralOtpNode.unlinkAck(c, from, to, id));
    }

    void exitSignal(OtpErlangPid from, OtpErlangPid to, OtpErlangObject reason) {
        if (to.node().equals(name())) {
            node.exitLocal(from, to, reason);
        } else {
            outbox.submit(to.node(), c -> CorralOtpNode.exit(c, from, to, reason));
        }
    }

    /** {@code {MONITOR_P_EXIT, FromProc, ToPid, Ref, Reason}}: the watcher gets {@code 'DOWN'}. */
    void monitorExit(OtpErlangObject monitored, OtpErlangPid watcher, OtpErlangRef ref, OtpErlangObject reason) {
        if (watcher.node().equals(name())) return; // Java pids do not monitor Java pids
        outbox.submit(watcher.node(), c -> CorralOtpNode.control(c, new OtpErlangLong(CorralOtpNode.MONITOR_P_EXIT),
                monitored, watcher, ref, reason));
    }

    /** The JInterface node underneath, for tests of what reaches its own mailboxes. */
    CorralOtpNode otpNode() {
        return node;
    }

    void unregister(OtpErlangPid pid) {
        node.unregister(pid);
    }

    void reply(OtpErlangPid from, OtpErlangPid to, OtpErlangObject msg) {
        send(from, to, msg);
    }

    OtpErlangPid servicePid() {
        return system;
    }

    void runWork(Runnable r) {
        work.execute(r);
    }

    // ---- monitor control messages, from the transport filter (JInterface reader threads) ----

    private void control(OtpErlangTuple ctl) {
        try {
            switch (CorralTransportFactory.tag(ctl)) {
                case CorralOtpNode.MONITOR_P -> {
                    OtpErlangPid watcher = (OtpErlangPid) ctl.elementAt(1);
                    OtpErlangObject target = ctl.elementAt(2);
                    OtpErlangRef ref = (OtpErlangRef) ctl.elementAt(3);
                    CorralOtpNode.Receiver r = target instanceof OtpErlangPid p ? node.receiver(p)
                            : node.receiver(((OtpErlangAtom) target).atomValue());
                    boolean ok = r instanceof LocalProcess lp ? lp.monitored(watcher, ref)
                            : target instanceof OtpErlangAtom a && node.whereis(a.atomValue()) != null;
                    if (!ok) monitorExit(target, watcher, ref, NOPROC);
                }
                case CorralOtpNode.DEMONITOR_P -> {
                    OtpErlangObject target = ctl.elementAt(2);
                    CorralOtpNode.Receiver r = target instanceof OtpErlangPid p ? node.receiver(p)
                            : node.receiver(((OtpErlangAtom) target).atomValue());
                    if (r instanceof LocalProcess lp) lp.demonitored((OtpErlangRef) ctl.elementAt(3));
                }
                case CorralOtpNode.MONITOR_P_EXIT -> {
                    if (ctl.elementAt(2) instanceof OtpErlangPid to && node.receiver(to) instanceof LocalProcess lp) {
                        lp.down(ctl.elementAt(3), ctl.elementAt(4));
                    }
                }
                default -> { }
            }
        } catch (RuntimeException e) {
            log.debug("Ignored a malformed monitor control message {}", ctl, e);
        }
    }

    // ---- node status ----

    private final class Status extends OtpNodeStatus {
        @Override
        public void remoteStatus(String peer, boolean isUp, Object info) {
            events.execute(() -> {
                if (isUp) nodeUp(peer);
                else nodeDown(peer, describe(info));
            });
        }

        @Override
        public void connAttempt(String peer, boolean incoming, Object info) {
            String who = "unknown".equals(peer) ? CorralTransportFactory.handshakePeer().orElse(peer) : peer;
            String why = describe(info);
            events.execute(() -> connectFailed(who, incoming, why));
        }
    }

    private void nodeUp(String peer) {
        if (!up.add(peer)) return;
        failures.remove(peer);
        outbox.nodeUp(peer);
        log.info("Erlang node {} connected", peer);
        for (NodeListener l : listeners) {
            try {
                l.nodeUp(peer);
            } catch (RuntimeException e) {
                log.warn("Node listener failed on nodeUp({})", peer, e);
            }
        }
    }

    private void nodeDown(String peer, String why) {
        if (!up.remove(peer)) return;
        log.warn("Erlang node {} disconnected: {}", peer, why);
        for (CorralOtpNode.Receiver r : node.receivers()) if (r instanceof LocalProcess p) p.nodeDown(peer);
        for (NodeListener l : listeners) {
            try {
                l.nodeDown(peer, why);
            } catch (RuntimeException e) {
                log.warn("Node listener failed on nodeDown({})", peer, e);
            }
        }
    }

    /**
     * Every refused inbound attempt is logged with where it came from (a wrong cookie, a handshake that timed out, a
     * socket that never sent a name); listeners hear of it once per outage per node name, as of outgoing failures.
     */
    private void inboundRefused(String address, String nodeName, String why) {
        if (closed) return;
        log.warn("Refused an Erlang distribution connection from {} ({}): {}", address,
                nodeName == null ? "no node name sent" : "node " + nodeName, why);
        events.execute(() -> {
            for (NodeListener l : listeners) {
                try {
                    l.inboundRefused(address, nodeName, why);
                } catch (RuntimeException e) {
                    log.warn("Node listener failed on inboundRefused({})", address, e);
                }
            }
            if (nodeName != null) connectFailed(nodeName, true, why, false);
        });
    }

    private void connectFailed(String peer, boolean incoming, String why) {
        connectFailed(peer, incoming, why, true);
    }

    private void connectFailed(String peer, boolean incoming, String why, boolean logIt) {
        if (closed || failures.putIfAbsent(peer, why) != null) return; // once per outage
        if (logIt) log.warn("{} Erlang node {} failed: {}", incoming ? "Connection from" : "Connection to", peer, why);
        for (NodeListener l : listeners) {
            try {
                l.connectFailed(peer, why);
            } catch (RuntimeException e) {
                log.warn("Node listener failed on connectFailed({})", peer, e);
            }
        }
    }

    static String describe(Object info) {
        if (info == null) return "closed";
        if (info instanceof OtpAuthException) {
            return "authentication failed: the cookies differ (" + ((Throwable) info).getMessage() + ")";
        }
        if (info instanceof Throwable t) {
            StringBuilder sb = new StringBuilder();
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (c instanceof CorralTransportFactory.CookieRejected) {
                    return "authentication failed: the peer closed the handshake after our challenge reply; "
                            + "the cookies differ";
                }
                if (!sb.isEmpty()) sb.append(": ");
                sb.append(c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName());
            }
            return sb.toString();
        }
        return info.toString();
    }

    private void reconnectPeers() {
        if (closed) return;
        for (String peer : settings.peers()) {
            if (!up.contains(peer)) writers.execute(() -> node.connection(peer));
        }
    }

    // ---- epmd ----

    /** As {@code erl}: when no epmd answers on {@code port}, start {@code epmd -daemon} and wait until it does. */
    static void ensureEpmd(int port, java.net.InetAddress bind) throws IOException {
        if (epmdAnswers(port)) return;
        List<String> cmd = new java.util.ArrayList<>(List.of("epmd", "-port", Integer.toString(port)));
        // Private by default: epmd listens where the distribution listener does (epmd adds loopback to any
        // -address list itself); on the any-address it listens everywhere, as a plain epmd does.
        if (!bind.isAnyLocalAddress()) cmd.addAll(List.of("-address", bind.getHostAddress()));
        cmd.add("-daemon");
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        try {
            pb.start().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting epmd", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (epmdAnswers(port)) return;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for epmd", e);
            }
        }
        throw new IOException("epmd did not start on port " + port + " (is it installed? erlang-nox ships it)");
    }

    private static boolean epmdAnswers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("localhost", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Every binding exits with {@code shutdown} (links and monitors told), the node leaves epmd and its connections
     * close.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (CorralOtpNode.Receiver r : List.copyOf(node.receivers())) {
            if (r instanceof Binding b) b.exit(new OtpErlangAtom("shutdown"));
        }
        writers.shutdown();
        try {
            writers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        node.close();
        if (ownLoops) loops.close();
        timer.shutdownNow();
        events.shutdown();
        work.shutdown();
        log.info("Erlang node {} closed", name());
    }
}
