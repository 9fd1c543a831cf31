package io.corral.connection;

import io.corral.api.HandlerOptions;
import io.corral.config.VersionProfile;
import io.corral.handshake.UpgradeRequest;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * A route's handler, whatever its flavour: decides on an upgrade request and, when it upgrades, hands over the
 * {@link HandlerSession} that drives the connection. One factory picks the flavour (see {@code compat.Endpoints}).
 */
public interface HandlerEndpoint {

    /** For logs and introspection: a class or module name. */
    String name();

    /** The Erlang node the handler runs on, or null for a Java handler (a metrics tag). */
    default String node() {
        return null;
    }

    /** The Cowboy version a route reproduces when it names none: follows the handler's generation. */
    VersionProfile defaultProfile();

    /**
     * Runs the handler's init ({@code init/2}; for 1.x {@code init/3} and {@code websocket_init/3}). Called on the
     * connection's event loop; the stage may complete on any thread.
     */
    CompletionStage<InitDecision> init(UpgradeRequest request, ConnectionProcess process);

    sealed interface InitDecision {
        /** Upgrade. {@code options} are complete (profile defaults filled in). */
        record Upgrade(HandlerSession session, HandlerOptions options, Map<String, String> responseHeaders)
                implements InitDecision {}

        /** No upgrade: answer with this status, headers and body (Cowboy's reply, or 204 / 400 when none). */
        record Reply(int status, Map<String, String> headers, byte[] body) implements InitDecision {}

        /** Init raised: HTTP 500. */
        record Crash(String description) implements InitDecision {}
    }
}
