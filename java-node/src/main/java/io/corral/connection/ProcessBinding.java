package io.corral.connection;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;

/**
 * A connection's identity as an Erlang process. Made by a {@link ProcessBinding.Factory} when the connection
 * upgrades, ended with {@link #exit} when it closes. Sends never block the caller (the event loop).
 */
public interface ProcessBinding {

    /** The connection's pid, or null when no Erlang node runs. */
    OtpErlangPid pid();

    /** {@code To ! Msg}, queued; never blocks. */
    void send(OtpErlangPid to, OtpErlangObject msg);

    /** {@code {Name, Node} ! Msg}, queued; never blocks. */
    void send(String name, String node, OtpErlangObject msg);

    /**
     * {@code gen_server:call(Server, Request, Timeout)} without blocking: the stage completes on a node thread with
     * the reply, or fails on timeout, {@code noproc} or the node going down.
     */
    java.util.concurrent.CompletableFuture<io.corral.api.Term> call(OtpErlangPid server, io.corral.api.Term request,
            java.time.Duration timeout);

    /** {@code gen_server:call({Name, Node}, Request, Timeout)}, as {@link #call(OtpErlangPid, io.corral.api.Term, java.time.Duration)}. */
    java.util.concurrent.CompletableFuture<io.corral.api.Term> call(String name, String node, io.corral.api.Term request,
            java.time.Duration timeout);

    /**
     * {@code pg:join(Scope, Group, self())}: completes when messages sent to the group's members reach this pid
     * (docs/cluster.md).
     */
    default java.util.concurrent.CompletableFuture<Void> join(String scope, io.corral.api.Term group) {
        return java.util.concurrent.CompletableFuture.failedFuture(
                new IllegalStateException("Corral runs without an Erlang node (start it with --node)"));
    }

    /** {@code pg:leave(Scope, Group, self())}. */
    default void leave(String scope, io.corral.api.Term group) {}

    /** Links to an Erlang process (both ways, as {@code link/1}). */
    void link(OtpErlangPid other);

    void unlink(OtpErlangPid other);

    /**
     * The process ends with {@code reason} ({@code normal}, {@code {shutdown, R}}, a crash reason): linked processes get
     * an exit signal, monitors get their {@code 'DOWN'}, the pid is unregistered. Called once.
     */
    void exit(OtpErlangObject reason);

    /** Where an Erlang node delivers what it receives for this pid. Called on any thread; must not block. */
    interface Sink {
        /** A message sent to the pid. */
        void deliver(OtpErlangObject message);

        /** An exit signal from a linked process (or from {@code exit(Pid, Reason)}). */
        void exitSignal(OtpErlangPid from, OtpErlangObject reason);

        /**
         * Whether what is delivered is consumed on the calling thread's event loop: a message may then hold buffers
         * of this thread's allocator (io.corral.erlang.BridgeAnswers), which this thread also releases.
         */
        default boolean consumedOnThisThread() {
            return false;
        }
    }

    interface Factory {
        ProcessBinding bind(Sink sink);
    }

    /** Corral without an Erlang node: no pid; posting to self still works through {@link io.corral.api.Connection}. */
    ProcessBinding.Factory NONE = sink -> Unbound.BINDING;

    /** {@link #NONE}'s binding: it holds nothing, so one instance serves every connection (16 B each otherwise). */
    final class Unbound {
        private Unbound() {}

        static final ProcessBinding BINDING = new ProcessBinding() {
            @Override
            public OtpErlangPid pid() {
                return null;
            }

            @Override
            public void send(OtpErlangPid to, OtpErlangObject msg) {
                throw new IllegalStateException("Corral runs without an Erlang node (start it with --node)");
            }

            @Override
            public void send(String name, String node, OtpErlangObject msg) {
                throw new IllegalStateException("Corral runs without an Erlang node (start it with --node)");
            }

            @Override
            public java.util.concurrent.CompletableFuture<io.corral.api.Term> call(OtpErlangPid server,
                    io.corral.api.Term request, java.time.Duration timeout) {
                return java.util.concurrent.CompletableFuture.failedFuture(
                        new IllegalStateException("Corral runs without an Erlang node (start it with --node)"));
            }

            @Override
            public java.util.concurrent.CompletableFuture<io.corral.api.Term> call(String name, String node,
                    io.corral.api.Term request, java.time.Duration timeout) {
                return call((OtpErlangPid) null, request, timeout);
            }

            @Override
            public void link(OtpErlangPid other) {
                throw new IllegalStateException("Corral runs without an Erlang node (start it with --node)");
            }

            @Override
            public void unlink(OtpErlangPid other) {}

            @Override
            public void exit(OtpErlangObject reason) {}
        };
    }
}
