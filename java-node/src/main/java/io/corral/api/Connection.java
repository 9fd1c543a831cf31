package io.corral.api;

import com.ericsson.otp.erlang.OtpErlangPid;
import java.time.Duration;

/**
 * A handler's handle on its own connection: the Erlang process it is. Thread-safe; messages posted from any thread
 * reach {@link WebSocketHandler#websocketInfo} on the connection's event loop, in order.
 */
public interface Connection {

    /** The connection's pid ({@code self()}), or null when Corral runs without an Erlang node. */
    OtpErlangPid pid();

    /** {@code self() ! Message}. */
    void post(Term message);

    /** {@code erlang:send_after(Delay, self(), Message)}; returns a handle that can cancel it. */
    Cancellable sendAfter(Duration delay, Term message);

    /** {@code Pid ! Message} to any Erlang process. Never blocks the caller. */
    void send(OtpErlangPid to, Term message);

    /** {@code {Name, Node} ! Message}. Never blocks the caller. */
    void send(String registeredName, String node, Term message);

    /**
     * {@code gen_server:call(Server, Request, Timeout)} without blocking the event loop. The stage completes on
     * another thread; to act on the reply in the handler, post it back:
     * {@code self.call(pid, req, t).whenComplete((r, e) -> self.post(Term.tuple(Term.atom("reply"), r)))}.
     */
    java.util.concurrent.CompletionStage<Term> call(OtpErlangPid server, Term request, Duration timeout);

    /** {@code gen_server:call({Name, Node}, Request, Timeout)}, as {@link #call(OtpErlangPid, Term, Duration)}. */
    java.util.concurrent.CompletionStage<Term> call(String name, String node, Term request, Duration timeout);

    /**
     * {@code pg:join(Scope, Group, self())}: Erlang code that sends to the members of the group
     * ({@code [P ! M || P <- pg:get_members(Scope, Group)]}) reaches this connection's {@code websocketInfo}, from
     * any node and whichever JVM holds it. The scope must run on the cluster's erlang-bridge nodes ({@code pg} is
     * kernel's default scope: {@code -kernel start_pg true}). Completes once such messages reach this connection;
     * a connection that ends leaves its groups. One process per JVM per group stands in pg for all of that JVM's
     * members, so {@code pg:get_members/2} lists it rather than each Java connection (docs/cluster.md).
     */
    java.util.concurrent.CompletionStage<Void> join(String scope, Term group);

    /** {@code pg:leave(Scope, Group, self())}. */
    void leave(String scope, Term group);

    /**
     * Joins this JVM's group {@code group}: Java handlers meet there without any Erlang node ({@link #sendLocal}).
     * Joining twice is one membership; a connection that ends leaves every group it joined; one that has ended
     * joins nothing. These groups are not pg's: for groups Erlang code sees, use {@link #join(String, Term)}.
     */
    void joinLocal(String group);

    /** Leaves this JVM's group {@code group}; leaving a group not joined does nothing. */
    void leaveLocal(String group);

    /**
     * Sends {@code message} to every member of this JVM's group {@code group}: each member's {@code websocketInfo}
     * runs (this connection's too, when it is a member), on its own event loop, in the order this connection sent
     * them. Never blocks. Returns how many members it was sent to.
     */
    int sendLocal(String group, Term message);

    interface Cancellable {
        boolean cancel();
    }
}
