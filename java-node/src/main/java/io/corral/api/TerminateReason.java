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

    /** The client closed with a code. */
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

    /** {@code {error, Kind}}: closed, badframe, badencoding, badsize, or a socket error's name. */
    record Error(String kind) implements TerminateReason {}

    /**
     * {@code {crash, Class, Reason}}: a callback raised. {@code cls} is error, exit or throw; {@code cause} is the
     * Java exception for Java handlers, the Erlang term for Erlang ones.
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

    /** A linked process exited with this reason, or the connection was told to exit (no close frame sent). */
    record Exit(Object reason) implements TerminateReason {}

    TerminateReason NORMAL = new Normal();
    TerminateReason STOP = new Stop();
    TerminateReason TIMEOUT = new Timeout();
    TerminateReason REMOTE = new Remote();
    TerminateReason SHUTDOWN = new Shutdown();
    TerminateReason CLOSED = new Error("closed");
    TerminateReason BADFRAME = new Error("badframe");
    TerminateReason BADENCODING = new Error("badencoding");
    TerminateReason BADSIZE = new Error("badsize");
}
