package io.corral.routing;

/**
 * The outcome of routing one request: a {@link Match}, or a {@link Miss} saying which HTTP status Cowboy would
 * answer with.
 */
public sealed interface Lookup permits Match, Lookup.Miss {

    /** Why no route was found; the statuses are cowboy_router's. */
    enum Miss implements Lookup {
        /** No host rule matched (Cowboy answers 400: the client named a host this server does not serve). */
        UNKNOWN_HOST(400),
        /** A host rule matched but none of its paths did. */
        UNKNOWN_PATH(404),
        /** The path does not start with '/' or has bad percent-encoding. */
        BAD_PATH(400);

        private final int status;

        Miss(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
