package io.corral.connection;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;

/**
 * A connection's Erlang process from the moment its upgrade request is routed: the pid exists before the 101 (an
 * Erlang handler's proxy is told it in the open request), and messages that arrive before the session runs wait in
 * order, as in a mailbox. Everything received is handed to the current {@link Target} on the connection's event loop.
 */
public final class ConnectionProcess implements ProcessBinding.Sink {

    /** Who consumes the process's messages; called on the event loop only. */
    public interface Target {
        void onMessage(OtpErlangObject message);

        void onExitSignal(OtpErlangPid from, OtpErlangObject reason);
    }

    private final EventLoop loop;
    private final ProcessBinding binding;
    private Target target;
    private volatile boolean exited;
    /** Messages and exit signals received while no target is attached (event loop only). */
    private ArrayDeque<Runnable> pending;

    public ConnectionProcess(EventLoop loop, ProcessBinding.Factory factory) {
        this.loop = loop;
        this.binding = factory.bind(this);
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
        binding.exit(reason);
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

    @Override
    public void deliver(OtpErlangObject message) {
        loop.execute(() -> dispatch(() -> target.onMessage(message)));
    }

    @Override
    public void exitSignal(OtpErlangPid from, OtpErlangObject reason) {
        loop.execute(() -> dispatch(() -> target.onExitSignal(from, reason)));
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
