package io.corral.api;

import com.ericsson.otp.erlang.OtpErlangPid;
import java.time.Duration;

/**
 * A handler's handle on its own connection: the Erlang process it is. Thread-safe; messages posted from any thread
 * reach {@link WebSocketHandler#websocketInfo} on the connection's event loop, in order.
 */
public interface Connection {

    /**
     * The connection's pid ({@code self()}), or null when Corral runs without an Erlang node.
     *
     * @return the pid, or null
     */
    OtpErlangPid pid();

    /**
     * {@code self() ! Message}.
     *
     * @param message what {@code websocketInfo} gets
     */
    void post(Term message);

    /**
     * {@code erlang:send_after(Delay, self(), Message)}; returns a handle that can cancel it.
     *
     * @param delay how long until it is sent
     * @param message what {@code websocketInfo} gets
     * @return a handle whose {@code cancel()} stops it if it was not sent yet
     */
    Cancellable sendAfter(Duration delay, Term message);

    /**
     * {@code Pid ! Message} to any Erlang process. Never blocks the caller.
     *
     * @param to the process
     * @param message the term
     */
    void send(OtpErlangPid to, Term message);

    /**
     * {@code {Name, Node} ! Message}. Never blocks the caller.
     *
     * @param registeredName the name the process is registered under
     * @param node the node's full name
     * @param message the term
     */
    void send(String registeredName, String node, Term message);

    /**
     * {@code gen_server:call(Server, Request, Timeout)} without blocking the event loop. The stage completes on
     * another thread; to act on the reply in the handler, post it back:
     * {@code self.call(pid, req, t).whenComplete((r, e) -> self.post(Term.tuple(Term.atom("reply"), r)))}.
     *
     * @param server the gen_server's pid
     * @param request the request term
     * @param timeout how long to wait for the reply
     * @return the reply; completes exceptionally when the call fails or times out
     */
    java.util.concurrent.CompletionStage<Term> call(OtpErlangPid server, Term request, Duration timeout);

    /**
     * {@code gen_server:call({Name, Node}, Request, Timeout)}, as {@link #call(OtpErlangPid, Term, Duration)}.
     *
     * @param name the registered name of the gen_server
     * @param node the node's full name
     * @param request the request term
     * @param timeout how long to wait for the reply
     * @return the reply; completes exceptionally when the call fails or times out
     */
    java.util.concurrent.CompletionStage<Term> call(String name, String node, Term request, Duration timeout);

    /** The scope of {@link #join(Term)}, {@link #leave(Term)} and {@link #sendLocal(Term, Term)}: kernel's default pg scope. */
    String DEFAULT_SCOPE = "pg";

    /**
     * {@code pg:join(Scope, Group, self())}. One mechanism for Java and Erlang alike (docs/cluster.md, "Groups"):
     * <ul>
     *   <li>at once, {@link #sendLocal} from any connection of the same Corral in this JVM reaches this one (no
     *       Erlang node needed, no round trip; another Corral embedded in the same JVM has members of its own);</li>
     *   <li>when Corral runs in a cluster (an Erlang node and erlang-bridge), Erlang code that sends to the group's
     *       members ({@code [P ! M || P <- pg:get_members(Scope, Group)]}) reaches this connection's
     *       {@code websocketInfo} too, from any node, whichever JVM holds it. One process per JVM per group stands in
     *       pg for that JVM's members, so {@code pg:get_members/2} lists it rather than each Java connection. The
     *       scope must run on the erlang-bridge nodes ({@code pg}, the default, with {@code -kernel start_pg true}).</li>
     * </ul>
     * Joining twice is one membership; a connection that ends leaves its groups; one that has ended joins nothing.
     * The stage completes once Erlang's sends reach this connection (at once without a cluster); it fails when no
     * erlang-bridge node can stand in pg now, and the membership takes effect in pg as soon as one can.
     *
     * @param scope the pg scope's name
     * @param group the group, any term
     * @return completes once Erlang's sends reach this connection
     */
    java.util.concurrent.CompletionStage<Void> join(String scope, Term group);

    /**
     * {@link #join(String, Term)} in scope {@value #DEFAULT_SCOPE}: {@code pg:join(Group, self())}.
     *
     * @param group the group, any term
     * @return as {@link #join(String, Term)}
     */
    default java.util.concurrent.CompletionStage<Void> join(Term group) {
        return join(DEFAULT_SCOPE, group);
    }

    /**
     * {@code pg:leave(Scope, Group, self())}: no more sends reach it, local or from Erlang. Not a member: nothing.
     *
     * @param scope the pg scope's name
     * @param group the group
     */
    void leave(String scope, Term group);

    /**
     * {@link #leave(String, Term)} in scope {@value #DEFAULT_SCOPE}.
     *
     * @param group the group
     */
    default void leave(Term group) {
        leave(DEFAULT_SCOPE, group);
    }

    /**
     * Sends {@code message} to every member of the group that this Corral holds in this JVM, from its own index of
     * members (another Corral embedded in the same JVM keeps its own):
     * each member's {@code websocketInfo} runs (this connection's too, when it is a member), on its own event loop,
     * in the order this connection sent them. Never blocks, no round trip. Members on other JVMs and Erlang
     * processes are reached from Erlang ({@code pg:get_members}). Returns how many members it was sent to.
     *
     * @param scope the pg scope's name
     * @param group the group
     * @param message what each member's {@code websocketInfo} gets
     * @return the number of members it was sent to
     */
    int sendLocal(String scope, Term group, Term message);

    /**
     * {@link #sendLocal(String, Term, Term)} in scope {@value #DEFAULT_SCOPE}.
     *
     * @param group the group
     * @param message what each member's {@code websocketInfo} gets
     * @return the number of members it was sent to
     */
    default int sendLocal(Term group, Term message) {
        return sendLocal(DEFAULT_SCOPE, group, message);
    }

    /**
     * A timer set by {@link #sendAfter}.
     *
     */
    interface Cancellable {
        /**
         * Cancels the timer, as {@code erlang:cancel_timer/1}.
         *
         * @return true when the message had not been sent and now will not be
         */
        boolean cancel();
    }
}
