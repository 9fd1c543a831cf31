package io.corral.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Why a session ended: the one closed list of reasons (docs/contract/close.md). Each generation shows them in
 * its own shape ({@code stop} in 2.x is {@code {normal, shutdown}} in 1.x); see {@code compat}.
 */
public sealed interface TerminateReason {

    /** {@code init} did not upgrade. */
    record Normal() implements TerminateReason {}

    /** The handler stopped or sent a close frame. */
    record Stop() implements TerminateReason {}

    /** The idle timeout fired. */
    record Timeout() implements TerminateReason {}

    /** The client closed with an empty close payload. */
    record Remote() implements TerminateReason {}

    /**
     * The client closed with a code.
     *
     * @param code the client's status code
     * @param reason the client's UTF-8 reason
     */
    record RemoteClose(int code, byte[] reason) implements TerminateReason {
        @Override
        public boolean equals(Object o) {
            return o instanceof RemoteClose r && r.code == code && Arrays.equals(r.reason, reason);
        }

        @Override
        public int hashCode() {
            return code;
        }

        @Override
        public String toString() {
            return "{remote, " + code + ", <<\"" + new String(reason, StandardCharsets.UTF_8) + "\">>}";
        }
    }

    /**
     * {@code {error, Kind}}: closed, badframe, badencoding, badsize, or a socket error's name.
     *
     * @param kind the error's name
     */
    record Error(String kind) implements TerminateReason {}

    /**
     * {@code {crash, Class, Reason}}: a callback raised. {@code cls} is error, exit or throw; {@code cause} is the
     * Java exception for Java handlers, the Erlang term for Erlang ones.
     *
     * @param cls {@code error}, {@code exit} or {@code throw}
     * @param cause the exception or the Erlang term
     */
    record Crash(String cls, Object cause) implements TerminateReason {}

    /**
     * The server is shutting down (drain: {@code SIGTERM}, {@code Corral.close()}): close 1001 is sent. A 2.x handler
     * sees {@code shutdown}, the reason a Cowboy 2.x handler that traps exits gets in terminate/3 when the listener
     * stops (ranch_conns_sup's {@code exit(Pid, shutdown)}, cowboy_websocket:loop/3's {@code 'EXIT'} clause); a 1.x
     * handler sees {@code {normal, shutdown}}. Cowboy itself sends no close frame and, for a handler that does not
     * trap exits, runs no terminate at all: see docs/contract/close.md.
     */
    record Shutdown() implements TerminateReason {}

    /**
     * A linked process exited with this reason, or the connection was told to exit (no close frame sent).
     *
     * @param reason the exit reason (an Erlang term)
     */
    record Exit(Object reason) implements TerminateReason {}

    /**
     * {@code normal}.
     *
     */
    TerminateReason NORMAL = new Normal();
    /**
     * {@code stop}.
     *
     */
    TerminateReason STOP = new Stop();
    /**
     * {@code timeout}.
     *
     */
    TerminateReason TIMEOUT = new Timeout();
    /**
     * {@code remote}.
     *
     */
    TerminateReason REMOTE = new Remote();
    /**
     * {@code shutdown}.
     *
     */
    TerminateReason SHUTDOWN = new Shutdown();
    /**
     * {@code {error, closed}}: the socket closed without a close frame.
     *
     */
    TerminateReason CLOSED = new Error("closed");
    /**
     * {@code {error, badframe}}: a protocol error.
     *
     */
    TerminateReason BADFRAME = new Error("badframe");
    /**
     * {@code {error, badencoding}}: invalid UTF-8.
     *
     */
    TerminateReason BADENCODING = new Error("badencoding");
    /**
     * {@code {error, badsize}}: over {@code max_frame_size}.
     *
     */
    TerminateReason BADSIZE = new Error("badsize");
}
