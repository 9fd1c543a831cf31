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

    /**
     * {@code {active, false}} stops reading the socket (real backpressure); {@code true} resumes.
     *
     * @param active false to stop reading, true to resume
     */
    record Active(boolean active) implements Command {}

    /**
     * {@code {deflate, Bool}}: compress the following frames or not; ignored when nothing was negotiated.
     *
     * @param deflate whether the frames that follow are compressed
     */
    record Deflate(boolean deflate) implements Command {}

    /**
     * {@code {set_options, #{idle_timeout => T, max_frame_size => N}}}. A null field is left as it is.
     * {@link HandlerOptions#INFINITY} means no limit.
     *
     * @param idleTimeoutMillis the new idle timeout in milliseconds, or null to keep it
     * @param maxFrameSize the new largest frame or message in bytes, or null to keep it
     */
    record SetOptions(Long idleTimeoutMillis, Long maxFrameSize) implements Command {}

    /**
     * {@code {shutdown_reason, R}}: the exit reason the connection's process ends with after a normal end.
     *
     * @param reason the exit reason
     */
    record ShutdownReason(Term reason) implements Command {}

    /**
     * The one {@link Stop}.
     *
     */
    Stop STOP = new Stop();

    /**
     * {@code stop}: close with 1000 and end the session.
     *
     * @return {@code stop}
     */
    static Command stop() {
        return STOP;
    }

    /**
     * {@code {active, Bool}}.
     *
     * @param active false to stop reading the socket, true to resume
     * @return {@code {active, Bool}}
     */
    static Command active(boolean active) {
        return new Active(active);
    }

    /**
     * {@code {deflate, Bool}}.
     *
     * @param deflate whether to compress the frames that follow
     * @return {@code {deflate, Bool}}
     */
    static Command deflate(boolean deflate) {
        return new Deflate(deflate);
    }

    /**
     * {@code {set_options, #{idle_timeout => T}}}.
     *
     * @param millis the new idle timeout, or {@link HandlerOptions#INFINITY}
     * @return {@code {set_options, #{idle_timeout => T}}}
     */
    static Command idleTimeout(long millis) {
        return new SetOptions(millis, null);
    }

    /**
     * {@code {set_options, #{max_frame_size => N}}}.
     *
     * @param bytes the new largest frame or message, or {@link HandlerOptions#INFINITY}
     * @return {@code {set_options, #{max_frame_size => N}}}
     */
    static Command maxFrameSize(long bytes) {
        return new SetOptions(null, bytes);
    }

    /**
     * {@code {shutdown_reason, R}}.
     *
     * @param reason the exit reason
     * @return {@code {shutdown_reason, R}}
     */
    static Command shutdownReason(Term reason) {
        return new ShutdownReason(reason);
    }
}
