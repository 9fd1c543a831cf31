package io.corral.compat.catalogue;

/**
 * A handler flavour the catalogue runs against: the same client-driven script written in each handler shape, served
 * under its own path prefix ({@code PREFIX/script}, {@code PREFIX/script/:name}, {@code PREFIX/log}).
 */
public enum Flavour {
    JAVA2("/java2", Generation.TWO_X, true, false, "Java 2.x handler (io.corral.api.WebSocketHandler)"),
    JAVA1("/java1", Generation.ONE_X, false, false, "Java 1.x handler (io.corral.api.WebSocketHandler1, Req1)"),
    ERL1("/erl1", Generation.ONE_X, false, true, "Erlang Cowboy 1.x module (compat_ws_v1)"),
    ERL20("/erl20", Generation.TWO_X, false, true, "Erlang Cowboy 2.0 tuple module (compat_ws_tuple)"),
    ERL25("/erl25", Generation.TWO_X, true, true, "Erlang Cowboy 2.5+ commands module (compat_ws_cmd)");

    public final String prefix;
    public final Generation generation;
    /** Whether the handler has the 2.5+ commands interface (active, set_options, deflate, shutdown_reason). */
    public final boolean commands;
    /** Whether the handler is an Erlang module (its callbacks see Erlang terms: bare ping atoms, exit reasons). */
    public final boolean erlang;
    public final String description;

    Flavour(String prefix, Generation generation, boolean commands, boolean erlang, String description) {
        this.prefix = prefix;
        this.generation = generation;
        this.commands = commands;
        this.erlang = erlang;
        this.description = description;
    }

    /**
     * The flavour for a prefix: a known prefix names it; any other prefix (a team's own Cowboy dispatch) is taken as
     * the Erlang modules of the generation: 1.x modules, or 2.5+ command modules for 2.x.
     */
    public static Flavour forPrefix(String prefix, Generation g) {
        for (Flavour f : values()) if (prefix.endsWith(f.prefix) && f.generation == g) return f;
        return g == Generation.ONE_X ? ERL1 : ERL25;
    }

    public static Flavour parse(String s) {
        return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
}
