package io.corral.connection;

import java.net.InetSocketAddress;

/**
 * Counters of one connection, for introspection from Erlang ({@code corral} service) and the CLI. Written only on
 * the connection's event loop; read from anywhere (plain fields: a reader may see a slightly stale value).
 */
public final class ConnectionStats {
    public final String listener;
    public final String path;
    public final InetSocketAddress peer;
    public final String handler;
    public final long startedAtMillis = System.currentTimeMillis();
    private volatile long framesIn, framesOut, bytesIn, bytesOut;

    public ConnectionStats(String listener, String path, InetSocketAddress peer, String handler) {
        this.listener = listener;
        this.path = path;
        this.peer = peer;
        this.handler = handler;
    }

    @SuppressWarnings("NonAtomicOperationOnVolatileField") // single writer: the event loop
    void frameIn(int bytes) {
        framesIn++;
        bytesIn += bytes;
    }

    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    void frameOut(int bytes) {
        framesOut++;
        bytesOut += bytes;
    }

    public long framesIn() {
        return framesIn;
    }

    public long framesOut() {
        return framesOut;
    }

    public long bytesIn() {
        return bytesIn;
    }

    public long bytesOut() {
        return bytesOut;
    }

    public long ageMillis() {
        return System.currentTimeMillis() - startedAtMillis;
    }
}
