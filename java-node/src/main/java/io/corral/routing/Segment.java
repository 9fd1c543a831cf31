package io.corral.routing;

/**
 * One compiled token of a host or path pattern. Literal text is held as a byte string (one char per byte, ISO-8859-1)
 * because Cowboy compares raw binaries: a pattern written as {@code <<"caf\xe9">>} and one written as
 * {@code <<"café"/utf8>>} are different routes, exactly as in Erlang.
 */
sealed interface Segment {

    /** Must equal the token byte for byte. */
    record Literal(String bytes) implements Segment {}

    /** {@code :name}: takes the token as a binding; a name bound twice must see equal tokens. */
    record Binding(String name) implements Segment {}

    enum Wild implements Segment {
        /** {@code :_}: any one token, bound to nothing. */
        ANY_ONE,
        /** {@code [...]}: every remaining token, reported as host_info or path_info. */
        REST
    }
}
