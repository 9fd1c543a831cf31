package com.ericsson.otp.erlang;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link OtpNode} whose deliveries go straight to registered {@link Receiver}s instead of {@link OtpMbox} queues.
 *
 * <p>Lives in JInterface's package because the hooks are package-private: {@link OtpNode#deliver(OtpMsg)} (called by
 * every connection's reader thread), {@link OtpNode#getConnection(String)}, the connection's {@code do_send}, and the
 * node's advertised distribution flags. Receivers are held by STRONG references (JInterface's own mailbox table holds
 * weak ones, so an unreferenced mailbox silently loses its messages) until {@link #unregister} is called.
 *
 * <p>Setting up a connection blocks (the handshake): the per-node writers of {@code io.corral.erlang} do it, never an
 * event loop. Writing to a connection that is up never blocks: every connection runs on the event-loop transport
 * ({@code io.corral.erlang.DistTransport}, made by {@code CorralTransportFactory}), whose writes are queued.
 */
public class CorralOtpNode extends OtpNode {

    /** MONITOR_P, DEMONITOR_P and MONITOR_P_EXIT of the distribution protocol (erts/emulator/beam/dist.h). */
    public static final int MONITOR_P = 19;
    public static final int DEMONITOR_P = 20;
    public static final int MONITOR_P_EXIT = 21;

    /** What a pid (or registered name) of this node receives. Called on the connection's event loop: only enqueue. */
    public interface Receiver {
        /** A message ({@code Pid ! Msg} or {@code {Name, Node} ! Msg}). */
        void message(OtpErlangPid from, OtpErlangObject message);

        /** {@code link(ThisPid)} from {@code from}. */
        void linked(OtpErlangPid from);

        /** {@code unlink(ThisPid)} from {@code from}; {@code unlinkId} is 0 for the old protocol. */
        void unlinked(OtpErlangPid from, long unlinkId);

        /** An exit signal: {@code link == true} when it travels along a link, false for {@code exit/2}. */
        void exit(OtpErlangPid from, OtpErlangObject reason, boolean link);

        /**
         * Decodes a message that came off the network for this receiver, {@code in} at its payload (the version byte),
         * on the connection's event loop. The default decodes the term as JInterface does; a receiver that knows the
         * shape of its usual messages may read them from the bytes without building the term, leaving anything else to
         * {@code in.read_any()}.
         */
        default OtpErlangObject decode(InterningInputStream in) throws OtpErlangDecodeException {
            return in.read_any();
        }
    }

    private final Map<OtpErlangPid, Receiver> byPid = new ConcurrentHashMap<>();
    private final Map<String, Receiver> byName = new ConcurrentHashMap<>();

    public CorralOtpNode(String node, String cookie, OtpTransportFactory transportFactory) throws IOException {
        super(node, cookie, transportFactory);
        // Ask peers to send MONITOR_P / DEMONITOR_P / MONITOR_P_EXIT; the control filter in the transport answers
        // them (stock JInterface would drop the connection as "sending garbage"). erts needs BOTH bits:
        // erts_dsig_send_monitor, erts_dsig_send_demonitor and erts_dsig_send_m_exit (erts/emulator/beam/dist.c)
        // test `~dflags & (DFLAG_DIST_MONITOR | DFLAG_DIST_MONITOR_NAME)` and, when either is missing, return
        // ERTS_DSIG_SEND_OK without sending anything: erlang:monitor/2 still succeeds but is reduced to watching
        // the connection (meant for C nodes with one "process" per OS process). JInterface defines
        // dFlagDistMonitorName as "NOT USED", so with DFLAG_DIST_MONITOR alone no monitor ever reached us and no
        // 'DOWN' for a server we monitor ever came back. The flags are ANDed in the handshake (dist_util.erl
        // adjust_flags/2); erts sets both, so the connection gets both. Monitors by name
        // ({Name, JavaNode}) then arrive as MONITOR_P with an atom, which the control handler answers too.
        flags |= dFlagDistMonitor | dFlagDistMonitorName;
    }

    // ---- the connection table ----

    /**
     * Runs an inbound handshake on the calling thread, then adds the connection. JInterface's acceptor does the same
     * for one socket at a time, inside the connection table's lock; here every socket has its own thread and the
     * lock is taken only to add the finished connection. Its reader starts after it is in the table, so a reply to
     * the peer's first message (net_adm:ping's is_auth) finds it there instead of dialling a second connection.
     */
    public void acceptConnection(OtpTransport transport) throws IOException, OtpAuthException {
        Deferred conn = new Deferred(this, transport);
        synchronized (connections) {
            addConnection(conn);
        }
        conn.release();
    }

    /** One lock per node name, so dialling one node (a blocking handshake) holds up no other. */
    private final Map<String, Object> dialing = new ConcurrentHashMap<>();

    /** How long a dial answered {@code nok} waits for the peer's own connection to arrive. */
    private volatile long simultaneousWaitMillis = 7_000;

    public void simultaneousWait(long millis) {
        simultaneousWaitMillis = millis;
    }

    /**
     * JInterface's, with dist_util's rules for a node that is connecting to us at the same time, or that still
     * holds an old connection to us (kernel dist_util.erl, mark_pending/1 and recv_status/1), which stock JInterface
     * takes as a failed connection: {@code ok_simultaneous} (the peer drops its own attempt and takes ours) goes
     * on; {@code alive} (the peer still has a connection from our previous one, which is dead since we dial) is
     * answered {@code true} so the peer drops it and goes on; {@code nok} (the peer's own attempt wins) waits for
     * that attempt to arrive here and returns it. The handshake holds no lock but this node name's.
     */
    @Override
    OtpCookedConnection getConnection(final String anode) {
        OtpCookedConnection conn = connections.get(anode);
        if (conn != null) return conn;
        final OtpPeer peer = new OtpPeer(anode, transportFactory);
        synchronized (dialing.computeIfAbsent(peer.node(), k -> new Object())) {
            conn = connections.get(peer.node());
            if (conn != null) return conn;
            try {
                Deferred c = new Deferred(this, peer);
                synchronized (connections) {
                    addConnection(c);
                }
                c.release();
                return c;
            } catch (final Exception e) {
                if (!(e instanceof PeerConnects || e.getCause() instanceof PeerConnects)) { // JInterface wraps it
                    connAttempt(peer.node(), false, e);
                    return null;
                }
                long deadline = System.nanoTime() + simultaneousWaitMillis * 1_000_000;
                while (System.nanoTime() < deadline) {
                    conn = connections.get(peer.node());
                    if (conn != null) return conn;
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                connAttempt(peer.node(), false, e);
                return null;
            }
        }
    }

    /** The peer answered {@code nok}: its own connection to us, made at the same time, is the one to use. */
    static final class PeerConnects extends IOException {
        PeerConnects(String node) {
            super(node + " is connecting to us at the same time and its connection wins (status nok)");
        }
    }

    /**
     * A connection whose reader thread starts only when {@link #release} is called, once it is in the table (a
     * reply to the peer's first message, net_adm:ping's is_auth, then finds it there instead of dialling again).
     */
    private static final class Deferred extends OtpCookedConnection {
        private volatile boolean released; // false while the super constructor runs and calls start()

        Deferred(OtpNode self, OtpTransport s) throws IOException, OtpAuthException {
            super(self, s);
        }

        Deferred(OtpNode self, OtpPeer other) throws IOException, OtpAuthException {
            super(self, other);
        }

        @Override
        public synchronized void start() {
            if (released) super.start();
        }

        void release() {
            released = true;
            if (socket instanceof Attachable a) a.attach(this);
            start();
        }

        @Override
        protected void recvStatus() throws IOException {
            final String status;
            try {
                final byte[] buf = read2BytePackage();
                if (buf.length == 0 || buf[0] != ChallengeStatus) throw new IOException("Handshake protocol error");
                status = new String(buf, 1, buf.length - 1, java.nio.charset.StandardCharsets.ISO_8859_1);
            } catch (OtpErlangDecodeException e) {
                throw new IOException("Handshake failed - not enough data");
            }
            switch (status) {
                case "ok", "ok_simultaneous" -> { }
                case "alive" -> sendStatus("true");
                case "nok" -> throw new PeerConnects(peer.node());
                default -> throw new IOException("Peer replied with status '" + status + "' instead of 'ok'");
            }
        }
    }

    /**
     * As JInterface, plus: a connection that replaces one of the same node name (the node came back before the old
     * socket was seen to close, so the old one is dead) closes the old one and reports it down before the new one up,
     * so links and monitors on the old incarnation break (dist_util's "up_pending" case).
     */
    @Override
    void addConnection(final OtpCookedConnection conn) {
        if (conn == null || conn.name == null) return;
        final OtpCookedConnection old = connections.put(conn.name, conn);
        if (old != null && old != conn) {
            old.close();
            status(conn.name, false, new IOException("replaced by a new connection from the same node name"));
        }
        status(conn.name, true, null);
    }

    /**
     * As JInterface, except that only the connection the table holds is removed and reported down: JInterface removes
     * by name, so the old connection of a node that reconnected took the new one out of the table when it died.
     */
    @Override
    void deliverError(final OtpCookedConnection conn, final Exception e) {
        final boolean current;
        synchronized (connections) {
            current = conn.name != null && connections.remove(conn.name, conn);
        }
        if (current) status(conn.name, false, e);
    }

    private void status(String peer, boolean up, Object info) {
        final OtpNodeStatus h = handler;
        if (h == null) return;
        try {
            h.remoteStatus(peer, up, info);
        } catch (RuntimeException ignored) {
            // a status handler's failure must not break the connection table (JInterface ignores it too)
        }
    }

    public void register(OtpErlangPid pid, Receiver receiver) {
        byPid.put(pid, receiver);
    }

    /** @return false when {@code pid} was not registered (unregistered already) */
    public boolean unregister(OtpErlangPid pid) {
        return byPid.remove(pid) != null;
    }

    /** The receivers registered by pid now (a weakly consistent view: registrations may come and go meanwhile). */
    public java.util.Collection<Receiver> receivers() {
        return java.util.Collections.unmodifiableCollection(byPid.values());
    }

    /** Registers {@code name}; false when it is taken (by a receiver or a JInterface mailbox). */
    public boolean registerName(String name, Receiver receiver) {
        if (whereis(name) != null) return false;
        return byName.putIfAbsent(name, receiver) == null;
    }

    public void unregisterName(String name) {
        byName.remove(name);
    }

    public Receiver receiver(OtpErlangPid pid) {
        return byPid.get(pid);
    }

    public Receiver receiver(String name) {
        return byName.get(name);
    }

    @Override
    boolean deliver(final OtpMsg m) {
        final Receiver r;
        if (m.type() == OtpMsg.regSendTag) {
            r = byName.get(m.getRecipientName());
        } else {
            r = byPid.get(m.getRecipientPid());
        }
        if (r == null) return super.deliver(m);
        try {
            switch (m.type()) {
                case OtpMsg.sendTag, OtpMsg.regSendTag, AbstractConnection.sendTTTag, AbstractConnection.regSendTTTag ->
                        r.message(m.getSenderPid(), InterningInputStream.payload(m));
                case OtpMsg.linkTag -> r.linked(m.getSenderPid());
                case OtpMsg.unlinkTag, AbstractConnection.unlinkIdTag -> r.unlinked(m.getSenderPid(), m.getUnlinkId());
                case OtpMsg.exitTag, AbstractConnection.exitTTTag -> r.exit(m.getSenderPid(), InterningInputStream.payload(m), true);
                case OtpMsg.exit2Tag, AbstractConnection.exit2TTTag -> r.exit(m.getSenderPid(), InterningInputStream.payload(m), false);
                default -> { /* unlink acks: links are removed when unlink is called */ }
            }
        } catch (OtpErlangDecodeException e) {
            return false;
        }
        return true;
    }

    // ---- local deliveries (both pids on this node) ----

    public boolean deliverLocal(OtpErlangPid from, OtpErlangPid to, OtpErlangObject msg) {
        OtpMsg m = new OtpMsg(to, msg);
        m.from = from;
        return deliver(m);
    }

    public boolean deliverLocal(OtpErlangPid from, String toName, OtpErlangObject msg) {
        return deliver(new OtpMsg(from, toName, msg));
    }

    public boolean linkLocal(OtpErlangPid from, OtpErlangPid to) {
        return deliver(new OtpMsg(OtpMsg.linkTag, from, to));
    }

    public void unlinkLocal(OtpErlangPid from, OtpErlangPid to) {
        deliver(new OtpMsg(OtpMsg.unlinkTag, from, to));
    }

    public void exitLocal(OtpErlangPid from, OtpErlangPid to, OtpErlangObject reason) {
        deliver(new OtpMsg(OtpMsg.exitTag, from, to, reason));
    }

    // ---- remote operations (may block) ----

    /** The connection to {@code node}, set up if needed; null when it cannot be reached (reported to the status handler). */
    public OtpCookedConnection connection(String node) {
        return getConnection(node);
    }

    /** The connection to {@code node} if one is up, without trying to connect. */
    public OtpCookedConnection existingConnection(String node) {
        OtpCookedConnection c = connections.get(node);
        return c != null && c.isConnected() ? c : null;
    }

    public static void send(OtpCookedConnection c, OtpErlangPid from, OtpErlangPid to, OtpErlangObject msg)
            throws IOException {
        c.send(from, to, msg);
    }

    /**
     * {@code To ! Msg} as one {@code SEND} packet encoded into {@code scratch}, which the caller reuses from send to
     * send (one writer per connection). Stock {@code send} allocates a 2 KiB header and a 2 KiB payload buffer per
     * message and grows the payload 2 KiB at a time, copying it each time (eight copies for a 16 KiB frame).
     */
    public static void send(OtpCookedConnection c, OtpOutputStream scratch, OtpErlangPid to, OtpErlangObject msg)
            throws IOException {
        if (!c.isConnected()) throw new IOException("Not connected");
        scratch.reset();
        final InterningOutputStream s = scratch instanceof InterningOutputStream i ? i : null;
        if (s != null) s.allowSplicing();
        scratch.write4BE(0); // length, patched below
        scratch.write1(AbstractConnection.passThrough);
        scratch.write1(AbstractConnection.version);
        scratch.write_tuple_head(3); // {SEND, Cookie, ToPid}, as AbstractConnection.sendBuf writes it
        scratch.write_long(AbstractConnection.sendTag);
        scratch.write_atom(c.sendCookie ? c.localNode.cookie() : "");
        scratch.write_any(to);
        scratch.write1(AbstractConnection.version);
        scratch.write_any(msg);
        if (s == null || s.splicedCount() == 0) {
            scratch.poke4BE(0, scratch.size() - 4);
            c.do_send(scratch);
            return;
        }
        final long length = scratch.size() - 4 + s.splicedBytes();
        if (length > Integer.MAX_VALUE) throw new IOException("distribution packet of " + length + " bytes");
        scratch.poke4BE(0, length);
        sendSpliced(c, s);
    }

    /**
     * An output stream that takes a packet as encoded bytes with buffers spliced in ({@link InterningOutputStream#splice})
     * and writes the buffers themselves, each after the bytes before its position (the transport's gathering write
     * then sends a large payload from the buffer it arrived in, {@code io.corral.erlang.DistTransport}).
     */
    public interface SplicingOutput {
        /**
         * Writes {@code bytes[0, length)} with {@code spliced[i]}'s readable bytes inserted at {@code at[i]}
         * ({@code at} ascending), as one packet; takes a reference of its own of each buffer it keeps.
         */
        void writeSpliced(byte[] bytes, int length, io.netty.buffer.ByteBuf[] spliced, int[] at, int n)
                throws IOException;
    }

    /** As {@code do_send}: under the connection's lock, so nothing (a tick) lands inside the packet. */
    private static void sendSpliced(OtpCookedConnection c, InterningOutputStream s) throws IOException {
        synchronized (c) {
            try {
                final OutputStream out = c.socket.getOutputStream();
                final byte[] bytes = s.array();
                final io.netty.buffer.ByteBuf[] bufs = s.spliced();
                final int[] at = s.splicedAt();
                final int n = s.splicedCount();
                if (out instanceof SplicingOutput so) {
                    so.writeSpliced(bytes, s.size(), bufs, at, n);
                } else { // a transport that takes bytes only: the pieces copied in order
                    int from = 0;
                    for (int i = 0; i < n; i++) {
                        out.write(bytes, from, at[i] - from);
                        from = at[i];
                        final io.netty.buffer.ByteBuf b = bufs[i];
                        out.write(io.netty.buffer.ByteBufUtil.getBytes(b, b.readerIndex(), b.readableBytes(), false));
                    }
                    out.write(bytes, from, s.size() - from);
                }
                out.flush();
            } catch (final IOException e) {
                c.close();
                throw e;
            }
        }
    }

    public static void send(OtpCookedConnection c, OtpErlangPid from, String toName, OtpErlangObject msg)
            throws IOException {
        c.send(from, toName, msg);
    }

    public static void link(OtpCookedConnection c, OtpErlangPid from, OtpErlangPid to) throws IOException {
        c.sendLink(from, to);
    }

    public static void unlink(OtpCookedConnection c, OtpErlangPid from, OtpErlangPid to, long unlinkId)
            throws IOException {
        c.sendUnlink(from, to, unlinkId);
    }

    public static void unlinkAck(OtpCookedConnection c, OtpErlangPid from, OtpErlangPid to, long unlinkId)
            throws IOException {
        c.sendUnlinkAck(from, to, unlinkId);
    }

    public static void exit(OtpCookedConnection c, OtpErlangPid from, OtpErlangPid to, OtpErlangObject reason)
            throws IOException {
        c.sendExit(from, to, reason);
    }

    /** Sends a control message with no payload, e.g. {@code {MONITOR_P_EXIT, FromProc, ToPid, Ref, Reason}}. */
    public static void control(OtpCookedConnection c, OtpErlangObject... elements) throws IOException {
        if (!c.isConnected()) throw new IOException("Not connected");
        @SuppressWarnings("resource")
        final OtpOutputStream header = new OtpOutputStream(AbstractConnection.headerLen);
        header.write4BE(0); // length, patched below
        header.write1(AbstractConnection.passThrough);
        header.write1(AbstractConnection.version);
        header.write_tuple_head(elements.length);
        for (OtpErlangObject e : elements) header.write_any(e);
        header.poke4BE(0, header.size() - 4);
        c.do_send(header);
    }

    /** A transport that reads the connection's packets itself once the connection is in the table. */
    public interface Attachable {
        /** {@code connection} is in the node's table: deliver what arrives from now on to it. */
        void attach(OtpCookedConnection connection);
    }

    /** The name of the node at the other end of {@code c}. */
    public static String peerName(OtpCookedConnection c) {
        return c.name;
    }

    /**
     * Takes one distribution packet, what follows its 4-byte length, in {@code packet[0, length)}, as JInterface's
     * reader loop does (AbstractConnection.run), on the caller's thread: the control message decides. A message for a
     * {@link Receiver} (by pid or registered name) is decoded here, with shared atoms and pids
     * ({@link InterningInputStream}), and handed to it at once, without an {@link OtpMsg}; one for a JInterface
     * mailbox stays encoded in its {@link OtpMsg} until taken, copied out of {@code packet} first when the caller
     * {@code reused} the array for the next packet. MONITOR_P, DEMONITOR_P and MONITOR_P_EXIT go to {@code monitors};
     * GROUP_LEADER is ignored, as JInterface ignores it.
     *
     * @return false when the packet is not a distribution message JInterface knows (it then drops the connection)
     */
    public static boolean receive(OtpCookedConnection c, byte[] packet, int length, boolean reused,
            java.util.function.Consumer<OtpErlangTuple> monitors) throws OtpErlangDecodeException {
        return receive(c, packet, length, reused, monitors, null, 0);
    }

    /**
     * As above, {@code packet} copied from {@code source} at index {@code base} (null: no source): a receiver's
     * decoder may take large binaries from it as retained slices ({@link InterningInputStream#readBinaryBuffer}).
     */
    public static boolean receive(OtpCookedConnection c, byte[] packet, int length, boolean reused,
            java.util.function.Consumer<OtpErlangTuple> monitors, io.netty.buffer.ByteBuf source, int base)
            throws OtpErlangDecodeException {
        final InterningInputStream in = new InterningInputStream(packet, 0, length);
        if (source != null) in.source(source, base);
        if (in.read1() != AbstractConnection.passThrough) return false;
        final OtpErlangPid sendTo = in.sendRecipient(); // the common case, without the head's tuple
        if (sendTo != null) {
            send(c, sendTo, in, reused);
            return true;
        }
        if (!(in.read_any() instanceof OtpErlangTuple head) || head.arity() == 0
                || !(head.elementAt(0) instanceof OtpErlangLong tagTerm)) {
            return false;
        }
        final long tagValue = tagTerm.longValue();
        if (tagValue < 0 || tagValue > Integer.MAX_VALUE) return false;
        final int tag = (int) tagValue;
        switch (tag) {
            case MONITOR_P, DEMONITOR_P, MONITOR_P_EXIT -> monitors.accept(head);
            case AbstractConnection.sendTag, AbstractConnection.sendTTTag -> // {SEND, Unused, To[, Token]}, Msg
                    send(c, (OtpErlangPid) head.elementAt(2), in, reused);
            case AbstractConnection.regSendTag, AbstractConnection.regSendTTTag -> { // {REG_SEND, From, Unused, Name..}
                final OtpErlangPid from = (OtpErlangPid) head.elementAt(1);
                final String name = ((OtpErlangAtom) head.elementAt(3)).atomValue();
                final Receiver r = ((CorralOtpNode) c.self).byName.get(name);
                if (r != null) message(r, from, in);
                else c.deliver(new OtpMsg(from, name, reused ? in.rest() : in));
            }
            case AbstractConnection.exitTag, AbstractConnection.exit2Tag -> // {EXIT, From, To, Reason}
                    c.deliver(new OtpMsg(tag, (OtpErlangPid) head.elementAt(1), (OtpErlangPid) head.elementAt(2),
                            java.util.Objects.requireNonNull(head.elementAt(3))));
            case AbstractConnection.exitTTTag, AbstractConnection.exit2TTTag -> // {EXIT_TT, From, To, Token, Reason}
                    c.deliver(new OtpMsg(tag, (OtpErlangPid) head.elementAt(1), (OtpErlangPid) head.elementAt(2),
                            java.util.Objects.requireNonNull(head.elementAt(4))));
            case AbstractConnection.linkTag, AbstractConnection.unlinkTag -> // {LINK, From, To}
                    c.deliver(new OtpMsg(tag, (OtpErlangPid) head.elementAt(1), (OtpErlangPid) head.elementAt(2), 0L));
            case AbstractConnection.unlinkIdTag, AbstractConnection.unlinkIdAckTag -> // {UNLINK_ID, Id, From, To}
                    c.deliver(new OtpMsg(tag, (OtpErlangPid) head.elementAt(2), (OtpErlangPid) head.elementAt(3),
                            ((OtpErlangLong) head.elementAt(1)).longValue()));
            case AbstractConnection.groupLeaderTag -> { }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** A SEND's payload, for {@code to}. */
    private static void send(OtpCookedConnection c, OtpErlangPid to, InterningInputStream in, boolean reused) {
        final Receiver r = ((CorralOtpNode) c.self).byPid.get(to);
        if (r != null) {
            message(r, null, in); // SEND carries no sender (OtpMsg's getSenderPid is null for it too)
        } else {
            c.deliver(new OtpMsg(to, reused ? in.rest() : in));
        }
    }

    /**
     * Decodes the payload ({@link Receiver#decode}) and hands it to {@code r}, on the reading thread, as
     * {@link #deliver} does for a message that reaches it through an {@link OtpMsg}; a payload that does not decode is
     * dropped, as there.
     */
    private static void message(Receiver r, OtpErlangPid from, InterningInputStream in) {
        final OtpErlangObject msg;
        try {
            msg = r.decode(in);
        } catch (OtpErlangDecodeException e) {
            return;
        }
        r.message(from, msg);
    }

    /** An output stream that counts what it was given, so the ticker knows whether anything went out. */
    public interface WriteCounter {
        /** Bytes written to the stream so far (ticks included). */
        long written();
    }

    // ---- ticks (kernel dist_util.erl, send_tick/2 and need_to_tick/4) ----

    /** The tick: a distribution packet of length 0 (ERTS distribution protocol, "Distribution Header"). */
    private static final byte[] TICK = {0, 0, 0, 0};

    /** Per connection: what its output had written at the last check. */
    private final Map<OtpCookedConnection, Long> tickState = new java.util.WeakHashMap<>();

    /**
     * Sends a tick on every connection that has written nothing for {@code intervalMillis} (net_ticktime / 4), as
     * erts does: JInterface itself only answers the peer's ticks, so a peer that ticks only when it has written
     * nothing, another Corral JVM among them, heard nothing from an idle JVM and took it as down after its
     * net_ticktime. The receiving half of the rule (a node silent for net_ticktime is down) is the transport's idle
     * timeout ({@code DistTransport}). One platform thread checks every connection and writes the ticks (the transport's writes never block).
     */
    public void startTicking(long intervalMillis) {
        if (ticker != null) throw new IllegalStateException("already ticking");
        ticker = Thread.ofPlatform().daemon().name("corral-dist-ticker").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(intervalMillis);
                } catch (InterruptedException e) {
                    return;
                }
                final OtpCookedConnection[] all;
                synchronized (connections) {
                    all = connections.values().toArray(new OtpCookedConnection[0]);
                }
                for (OtpCookedConnection c : all) tickIfQuiet(c);
            }
        });
    }

    private volatile Thread ticker;

    /** As JInterface's, and the ticker stops. */
    @Override
    public void close() {
        final Thread t = ticker;
        if (t != null) t.interrupt();
        super.close();
    }

    private void tickIfQuiet(final OtpCookedConnection c) {
        final OtpTransport s = c.socket;
        if (s == null || !c.isConnected()) return;
        final WriteCounter out;
        try {
            if (!(s.getOutputStream() instanceof WriteCounter k)) return;
            out = k;
        } catch (IOException e) {
            return;
        }
        final long written = out.written();
        synchronized (tickState) {
            final Long last = tickState.put(c, written);
            if (last == null || last != written) return; // something went out since the last check
        }
        try {
            synchronized (c) { // JInterface's lock for a whole packet (do_send), so a tick never splits one
                final OtpTransport t = c.socket;
                if (t != null) {
                    OutputStream o = t.getOutputStream();
                    o.write(TICK);
                    o.flush();
                }
            }
        } catch (IOException e) {
            // the connection is failing; its reader reports it
        }
        synchronized (tickState) {
            tickState.put(c, out.written()); // the tick itself is not "something went out"
        }
    }

    /** The flags peers see in the handshake (for tests of the monitor flag). */
    public long distributionFlags() {
        return flags;
    }
}
