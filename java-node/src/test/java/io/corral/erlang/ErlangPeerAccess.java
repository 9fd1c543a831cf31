package io.corral.erlang;

import io.corral.api.Term;

/** Lets the benchmark (another package) start and use an {@link ErlangPeer}. */
public final class ErlangPeerAccess implements AutoCloseable {
    public static final String COOKIE = ErlangPeer.COOKIE;
    private final ErlangPeer peer;

    private ErlangPeerAccess(ErlangPeer peer) {
        this.peer = peer;
    }

    public static ErlangPeerAccess start(String prefix) throws java.io.IOException {
        return new ErlangPeerAccess(ErlangPeer.start(prefix));
    }

    public void awaitReady(ErlangNode java) throws Exception {
        peer.awaitReady(java);
    }

    public Term eval(ErlangNode java, String src, Term... args) throws Exception {
        return peer.eval(java, src, args);
    }

    @Override
    public void close() throws InterruptedException {
        peer.close();
    }
}
