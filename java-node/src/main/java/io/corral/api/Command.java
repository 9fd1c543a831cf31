package io.corral.api;

/**
 * What a handler asks the connection to do: Cowboy 2.5+'s command list, one Java type per command.
 * Frames are commands too ({@link Frame}, and {@link DataFrame}: a message over a Netty buffer, sent without a copy). The connection carries them out in order; a close frame or
 * {@link Stop} ends the list (docs/contract/close.md: later commands are dropped).
 */
public sealed interface Command permits Frame, DataFrame, Command.Stop, Command.Active, Command.Deflate, Command.SetOptions,
        Command.ShutdownReason {

    /** Close with 1000 and end the session; terminate reason {@code stop}. */
    record Stop() implements Command {}

    /** {@code {active, false}} stops reading the socket (real backpressure); {@code true} resumes. */
    record Active(boolean active) implements Command {}

    /** {@code {deflate, Bool}}: compress the following frames or not; ignored when nothing was negotiated. */
    record Deflate(boolean deflate) implements Command {}

    /**
     * {@code {set_options, #{idle_timeout => T, max_frame_size => N}}}. A null field is left as it is.
     * {@link HandlerOptions#INFINITY} means no limit.
     */
    record SetOptions(Long idleTimeoutMillis, Long maxFrameSize) implements Command {}

    /** {@code {shutdown_reason, R}}: the exit reason the connection's process ends with after a normal end. */
    record ShutdownReason(Term reason) implements Command {}

    Stop STOP = new Stop();

    static Command stop() {
        return STOP;
    }

    static Command active(boolean active) {
        return new Active(active);
    }

    static Command deflate(boolean deflate) {
        return new Deflate(deflate);
    }

    static Command idleTimeout(long millis) {
        return new SetOptions(millis, null);
    }

    static Command maxFrameSize(long bytes) {
        return new SetOptions(null, bytes);
    }

    static Command shutdownReason(Term reason) {
        return new ShutdownReason(reason);
    }
}
