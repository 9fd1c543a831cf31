package io.corral.compat.catalogue;

import java.net.URI;

/** Where the catalogue's client connects: a server, a path prefix and the flavour served there. */
public record Target(String host, int port, String prefix, Flavour flavour) {

    /** {@code ws://HOST:PORT}; the prefix defaults to the flavour's. */
    public static Target of(String url, Generation g, String prefix, Flavour flavour) {
        URI u = URI.create(url);
        if (!"ws".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 0) {
            throw new IllegalArgumentException("--target must look like ws://HOST:PORT, got " + url);
        }
        Flavour f = flavour != null ? flavour : Flavour.forPrefix(prefix != null ? prefix : "", g);
        if (f.generation != g) throw new IllegalArgumentException("flavour " + f + " is " + f.generation.label + ", not " + g.label);
        return new Target(u.getHost(), u.getPort(), prefix != null ? prefix : f.prefix, f);
    }

    public Generation generation() {
        return flavour.generation;
    }

    @Override
    public String toString() {
        return "ws://" + host + ":" + port + prefix + " (" + flavour.name().toLowerCase(java.util.Locale.ROOT) + ", "
                + generation().label + ")";
    }
}
