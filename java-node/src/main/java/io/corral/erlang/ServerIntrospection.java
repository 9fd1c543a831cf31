package io.corral.erlang;

import io.corral.connection.ConnectionStats;
import io.corral.connection.ServerContext;
import io.corral.connection.WsConnection;
import java.util.ArrayList;
import java.util.List;

/** What the {@code corral} service reports, read from a listener's live connections. */
public final class ServerIntrospection implements Introspection {
    private final ServerContext server;
    private final String address;
    private final int port;

    public ServerIntrospection(ServerContext server, String address, int port) {
        this.server = server;
        this.address = address;
        this.port = port;
    }

    @Override
    public List<ConnectionInfo> connections() {
        List<ConnectionInfo> out = new ArrayList<>();
        for (WsConnection c : server.connections()) {
            ConnectionStats s = c.stats();
            String peer = s.peer.getHostString() + ":" + s.peer.getPort();
            out.add(new ConnectionInfo(c.pid(), s.path, peer, s.handler, s.ageMillis(), s.framesIn(),
                    s.framesOut(), s.bytesIn(), s.bytesOut()));
        }
        return out;
    }

    @Override
    public List<io.corral.connection.ListenerMetrics> metrics() {
        return List.of(server.metrics());
    }

    @Override
    public List<ListenerInfo> listeners() {
        return List.of(new ListenerInfo(server.listener(), address, port, server.connections().size(),
                server.totalConnections(), server.refusedConnections()));
    }
}
