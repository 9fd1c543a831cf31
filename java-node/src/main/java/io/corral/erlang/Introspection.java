package io.corral.erlang;

import com.ericsson.otp.erlang.OtpErlangPid;
import java.util.List;

/**
 * What the {@code corral} registered process reports, supplied by the engine. Called on a corral-erlang thread; must
 * be thread-safe.
 */
public interface Introspection {

    List<ConnectionInfo> connections();

    List<ListenerInfo> listeners();

    /** Each listener's counters, for the {@code metrics} call. */
    default List<io.corral.connection.ListenerMetrics> metrics() {
        return List.of();
    }

    /** One WebSocket connection. {@code handler} names the handler class or Erlang module. */
    record ConnectionInfo(OtpErlangPid pid, String path, String peer, String handler, long ageMillis, long framesIn,
                          long framesOut, long bytesIn, long bytesOut) {}

    /** One listening socket and what it serves. */
    record ListenerInfo(String name, String address, int port, long activeConnections, long totalConnections,
                        long refusedConnections) {}

    Introspection EMPTY = new Introspection() {
        @Override
        public List<ConnectionInfo> connections() {
            return List.of();
        }

        @Override
        public List<ListenerInfo> listeners() {
            return List.of();
        }
    };
}
