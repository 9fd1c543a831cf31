package io.corral.compat.catalogue;

import java.net.URI;

/**
 * Where the catalogue's client connects: a server, a path prefix, the flavour served there, and whether the server is
 * Corral or a real Cowboy (a scenario that checks where Corral is stricter than Cowboy does not apply to Cowboy).
 */
public record Target(String host, int port, String prefix, Flavour flavour, Server server) {

    /** What serves the compat modules. */
    public enum Server { CORRAL, COWBOY }

    /** {@code ws://HOST:PORT} served by Corral; the prefix defaults to the flavour's. */
    public static Target of(String url, Generation g, String prefix, Flavour flavour) {
        return of(url, g, prefix, flavour, Server.CORRAL);
    }

    /** A real Cowboy at {@code ws://HOST:PORT} serving the flavour's modules under its prefix. */
    public static Target cowboy(String url, Flavour flavour) {
        return of(url, flavour.generation, flavour.prefix, flavour, Server.COWBOY);
    }

    /** {@code ws://HOST:PORT}; the prefix defaults to the flavour's. */
    public static Target of(String url, Generation g, String prefix, Flavour flavour, Server server) {
        URI u = URI.create(url);
        if (!"ws".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 0) {
            throw new IllegalArgumentException("--target must look like ws://HOST:PORT, got " + url);
        }
        Flavour f = flavour != null ? flavour : Flavour.forPrefix(prefix != null ? prefix : "", g);
        if (f.generation != g) throw new IllegalArgumentException("flavour " + f + " is " + f.generation.label + ", not " + g.label);
        return new Target(u.getHost(), u.getPort(), prefix != null ? prefix : f.prefix, f, server);
    }

    public Generation generation() {
        return flavour.generation;
    }

    @Override
    public String toString() {
        return "ws://" + host + ":" + port + prefix + " (" + flavour.name().toLowerCase(java.util.Locale.ROOT) + ", "
                + generation().label + (server == Server.COWBOY ? ", real Cowboy" : "") + ")";
    }
}
