package io.corral.connection;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import io.corral.api.Connection;
import io.corral.api.Term;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's Erlang process from the moment its upgrade request is routed: the pid exists before the 101 (an
 * Erlang handler's proxy is told it in the open request), and messages that arrive before the session runs wait in
 * order, as in a mailbox. Everything received is handed to the current {@link Target} on the connection's event loop.
 */
public final class ConnectionProcess implements ProcessBinding.Sink {
    private static final Logger log = LoggerFactory.getLogger(ConnectionProcess.class);

    /** Who consumes the process's messages; called on the event loop only. */
    public interface Target {
        void onMessage(OtpErlangObject message);

        void onExitSignal(OtpErlangPid from, OtpErlangObject reason);
    }

    private final EventLoop loop;
    private final ProcessBinding binding;
    /** The index of its Corral's group members ({@link ServerContext#localGroups}). */
    private final LocalGroups localGroups;
    private final Connection handle;
    private Target target;
    private volatile boolean exited;
    /** Run once when the process exits (placement's count of a node's connections); null when nobody asked. */
    private volatile Runnable onExit;
    /**
     * The groups joined, so the end of the process leaves them all; null until the first join (most connections
     * join none, and a member of one pays for one small set). Guarded by this.
     */
    private java.util.Set<LocalGroups.Key> groups;
    /** Messages and exit signals received while no target is attached (event loop only). */
    private ArrayDeque<Runnable> pending;

    public ConnectionProcess(EventLoop loop, ProcessBinding.Factory factory, LocalGroups localGroups) {
        this.loop = loop;
        this.localGroups = localGroups;
        this.binding = factory.bind(this);
        this.handle = new Handle();
    }

    /**
     * The handler's view of this process: {@code self()}, posting to itself, timers, sends. Posted messages take the
     * same path as messages from Erlang, so they are ordered with them.
     */
    public Connection connection() {
        return handle;
    }

    public ProcessBinding binding() {
        return binding;
    }

    public OtpErlangPid pid() {
        return binding.pid();
    }

    public EventLoop eventLoop() {
        return loop;
    }

    /** Ends the process with {@code reason}; later calls do nothing. */
    public void exit(OtpErlangObject reason) {
        if (exited) return;
        exited = true;
        leaveAll();
        binding.exit(reason);
        if (target == null && pending != null && loop.inEventLoop()) {
            // Never handed to a session now: a remote handler's answer among them may hold payload buffers
            // (io.corral.erlang.BridgeAnswers), given back here, once: the queue goes with them.
            ArrayDeque<Runnable> p = pending;
            pending = null;
            for (Runnable r : p) if (r instanceof Pending m) ReferenceCountUtil.release(m.message);
        }
        Runnable r = onExit;
        onExit = null;
        if (r != null) r.run();
    }

    /**
     * Runs {@code r} once when the process exits, whichever way the connection ends (refused, crashed, closed before
     * or after the upgrade): every one of them ends in {@link #exit}. At most one; runs at once if already exited.
     */
    public void whenExited(Runnable r) {
        onExit = r;
        if (exited) {
            onExit = null;
            r.run();
        }
    }

    /**
     * The end of the process: it leaves every group, in this JVM's index and in pg, before its pid exits (as pg
     * drops an Erlang process that exits).
     */
    private void leaveAll() {
        java.util.Set<LocalGroups.Key> mine;
        synchronized (this) {
            mine = groups;
            groups = null;
        }
        if (mine == null) return;
        for (LocalGroups.Key k : mine) {
            localGroups.leave(k, this);
            if (binding.pid() != null) binding.leave(k.scope(), Term.of(k.group()));
        }
    }

    /**
     * One membership, in this JVM's index and in pg (through the binding: the relay of docs/cluster.md), in that
     * order, so a local send reaches the member at once and a pg send once the returned stage completes.
     */
    private java.util.concurrent.CompletionStage<Void> join(String scope, Term group) {
        LocalGroups.Key key = new LocalGroups.Key(scope, group.raw());
        synchronized (this) {
            if (exited) return java.util.concurrent.CompletableFuture.completedFuture(null);
            if (groups == null) groups = new java.util.HashSet<>(4);
            if (!groups.add(key)) return binding.pid() == null
                    ? java.util.concurrent.CompletableFuture.completedFuture(null) : binding.join(scope, group);
            localGroups.join(key, this);
        }
        // Without an Erlang node there is no pg: the membership is this JVM's only, in effect now.
        if (binding.pid() == null) return java.util.concurrent.CompletableFuture.completedFuture(null);
        java.util.concurrent.CompletableFuture<Void> joined = binding.join(scope, group);
        // An exit that began after the check above may have left its groups before this pg join: leave it again.
        if (exited) binding.leave(scope, group);
        return joined;
    }

    private void leave(String scope, Term group) {
        LocalGroups.Key key = new LocalGroups.Key(scope, group.raw());
        synchronized (this) {
            if (groups == null || !groups.remove(key)) return;
        }
        localGroups.leave(key, this);
        if (binding.pid() != null) binding.leave(scope, group);
    }

    /** Sets who gets the messages from now on; anything pending is handed over first. Event loop only. */
    public void attach(Target t) {
        target = t;
        ArrayDeque<Runnable> p = pending;
        pending = null;
        if (p != null) p.forEach(Runnable::run);
    }

    /** Stops handing out messages; they queue until the next {@link #attach}. */
    public void detach() {
        target = null;
    }

    /**
     * Hands {@code message} to the target on the event loop. Called on the distribution connection's reader (any
     * thread): nothing is thrown back into it. A message that no target will take is given back
     * ({@link ReferenceCountUtil#release}: a remote handler's answer may hold payload buffers,
     * io.corral.erlang.BridgeAnswers): one that reaches a process that exited with no target, and one that the loop
     * refuses because it is shutting down (the server stops; its connections go with it).
     */
    @Override
    public void deliver(OtpErlangObject message) {
        try {
            loop.execute(() -> {
                Target t = target;
                if (t != null) t.onMessage(message);
                else if (exited) ReferenceCountUtil.release(message); // queued behind the exit: nobody will attach
                else dispatch(new Pending(message)); // queued until a target is attached
            });
        } catch (RejectedExecutionException e) {
            log.debug("message to {} dropped: its event loop is shutting down", binding.pid(), e);
            ReferenceCountUtil.release(message);
        }
    }

    @Override
    public boolean consumedOnThisThread() {
        return loop.inEventLoop();
    }

    /** As {@link #deliver}: on the event loop, nothing thrown back into the caller, a refused one given back. */
    @Override
    public void exitSignal(OtpErlangPid from, OtpErlangObject reason) {
        try {
            loop.execute(() -> {
                if (target == null && exited) ReferenceCountUtil.release(reason);
                else dispatch(() -> target.onExitSignal(from, reason));
            });
        } catch (RejectedExecutionException e) {
            log.debug("exit signal from {} to {} dropped: its event loop is shutting down", from, binding.pid(), e);
            ReferenceCountUtil.release(reason);
        }
    }

    private final class Handle implements Connection {
        @Override
        public OtpErlangPid pid() {
            return binding.pid();
        }

        @Override
        public void post(Term message) {
            deliver(message.raw());
        }

        @Override
        public Cancellable sendAfter(Duration delay, Term message) {
            ScheduledFuture<?> f = loop.schedule(() -> deliver(message.raw()), delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        }

        @Override
        public void send(OtpErlangPid to, Term message) {
            binding.send(to, message.raw());
        }

        @Override
        public void send(String registeredName, String node, Term message) {
            binding.send(registeredName, node, message.raw());
        }

        @Override
        public java.util.concurrent.CompletionStage<Void> join(String scope, Term group) {
            return ConnectionProcess.this.join(scope, group);
        }

        @Override
        public void leave(String scope, Term group) {
            ConnectionProcess.this.leave(scope, group);
        }

        @Override
        public int sendLocal(String scope, Term group, Term message) {
            return localGroups.send(new LocalGroups.Key(scope, group.raw()), message.raw());
        }

        @Override
        public java.util.concurrent.CompletionStage<Term> call(OtpErlangPid server, Term request, Duration timeout) {
            return binding.call(server, request, timeout);
        }

        @Override
        public java.util.concurrent.CompletionStage<Term> call(String name, String node, Term request, Duration timeout) {
            return binding.call(name, node, request, timeout);
        }
    }

    /** A message waiting for a target. */
    private final class Pending implements Runnable {
        final OtpErlangObject message;

        Pending(OtpErlangObject message) {
            this.message = message;
        }

        @Override
        public void run() {
            target.onMessage(message);
        }
    }

    private void dispatch(Runnable r) {
        if (target != null) {
            r.run();
        } else {
            if (pending == null) pending = new ArrayDeque<>();
            pending.add(r);
        }
    }
}
