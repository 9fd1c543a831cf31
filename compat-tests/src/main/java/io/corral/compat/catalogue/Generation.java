package io.corral.compat.catalogue;

/** The Cowboy generation a server reproduces, as far as the wire and the terminate reasons show it. */
public enum Generation {
    ONE_X("1.x"),
    /** Cowboy 2.latest (2.17/2.18): what Corral serves 2.x handlers as unless told otherwise. */
    TWO_X("2.x");

    public final String label;

    Generation(String label) {
        this.label = label;
    }

    public static Generation parse(String s) {
        for (Generation g : values()) if (g.label.equals(s)) return g;
        throw new IllegalArgumentException("unknown generation '" + s + "' (known: 1.x, 2.x)");
    }
}
