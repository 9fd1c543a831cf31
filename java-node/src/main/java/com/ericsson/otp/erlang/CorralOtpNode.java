package com.ericsson.otp.erlang;

import java.io.IOException;
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
 * <p>Every method that talks to a remote node may block (connection set-up, a synchronized socket write): callers
 * are the per-node writers of {@code io.corral.erlang}, never an event loop.
 */
public class CorralOtpNode extends OtpNode {

    /** MONITOR_P, DEMONITOR_P and MONITOR_P_EXIT of the distribution protocol (erts/emulator/beam/dist.h). */
    public static final int MONITOR_P = 19;
    public static final int DEMONITOR_P = 20;
    public static final int MONITOR_P_EXIT = 21;

    /** What a pid (or registered name) of this node receives. Called on a JInterface connection thread: only enqueue. */
    public interface Receiver {
        /** A message ({@code Pid ! Msg} or {@code {Name, Node} ! Msg}). */
        void message(OtpErlangPid from, OtpErlangObject message);

        /** {@code link(ThisPid)} from {@code from}. */
        void linked(OtpErlangPid from);

        /** {@code unlink(ThisPid)} from {@code from}; {@code unlinkId} is 0 for the old protocol. */
        void unlinked(OtpErlangPid from, long unlinkId);

        /** An exit signal: {@code link == true} when it travels along a link, false for {@code exit/2}. */
        void exit(OtpErlangPid from, OtpErlangObject reason, boolean link);
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

    public void register(OtpErlangPid pid, Receiver receiver) {
        byPid.put(pid, receiver);
    }

    public void unregister(OtpErlangPid pid) {
        byPid.remove(pid);
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
                        r.message(m.getSenderPid(), m.getMsg());
                case OtpMsg.linkTag -> r.linked(m.getSenderPid());
                case OtpMsg.unlinkTag, AbstractConnection.unlinkIdTag -> r.unlinked(m.getSenderPid(), m.getUnlinkId());
                case OtpMsg.exitTag, AbstractConnection.exitTTTag -> r.exit(m.getSenderPid(), m.getMsg(), true);
                case OtpMsg.exit2Tag, AbstractConnection.exit2TTTag -> r.exit(m.getSenderPid(), m.getMsg(), false);
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
        scratch.write4BE(0); // length, patched below
        scratch.write1(AbstractConnection.passThrough);
        scratch.write1(AbstractConnection.version);
        scratch.write_tuple_head(3); // {SEND, Cookie, ToPid}, as AbstractConnection.sendBuf writes it
        scratch.write_long(AbstractConnection.sendTag);
        scratch.write_atom(c.sendCookie ? c.localNode.cookie() : "");
        scratch.write_any(to);
        scratch.write1(AbstractConnection.version);
        scratch.write_any(msg);
        scratch.poke4BE(0, scratch.size() - 4);
        c.do_send(scratch);
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

    /** An output stream that can hold back flushes while a writer sends a burst. */
    public interface Corkable {
        void cork(boolean on) throws IOException;
    }

    /** Holds back (on) or releases and flushes (off) the connection's writes, when its transport supports it. */
    public static void cork(OtpCookedConnection c, boolean on) {
        try {
            final OtpTransport s = c.socket;
            if (s != null && s.getOutputStream() instanceof Corkable k) k.cork(on);
        } catch (IOException e) {
            // the next write reports it
        }
    }

    /** The flags peers see in the handshake (for tests of the monitor flag). */
    public long distributionFlags() {
        return flags;
    }
}
