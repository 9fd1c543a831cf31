package io.corral.routing;

import io.corral.api.Term;
import java.util.Objects;

/**
 * One {@code {PathMatch, Handler, Opts}} entry of a routes file.
 *
 * @param hostPattern the host match as written ({@code "_"} for {@code '_'}), for display
 * @param pathPattern the path match as written ({@code "_"} for {@code '_'}), for display
 * @param handlerName the handler atom: a Java class name when it contains a '.', else an Erlang module
 * @param options     the handler's initial state, passed to {@code init} untouched
 * @param line        the line of the route tuple in the routes file
 */
public record Route(String hostPattern, String pathPattern, String handlerName, Term options, int line) {

    public Route {
        Objects.requireNonNull(hostPattern);
        Objects.requireNonNull(pathPattern);
        Objects.requireNonNull(handlerName);
        Objects.requireNonNull(options);
    }

    /** Erlang module names cannot contain '.' unquoted, and Java class names are qualified, so the dot decides. */
    public boolean isJavaHandler() {
        return handlerName.indexOf('.') >= 0;
    }
}
