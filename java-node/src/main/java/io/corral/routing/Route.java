package io.corral.routing;

import io.corral.config.VersionProfile;
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
 * @param cowboyVersion the Cowboy version this route reproduces, or null (Corral's extension: the handler written as
 *                    {@code {Handler, #{cowboy_version => '1.0'}}})
 * @param allowedOrigins the origins allowed to upgrade on this route ({@code #{allowed_origins => [...]}} in the
 *                    same map, Corral's extension), in place of the listener's; empty: the listener's list applies
 * @param settings    that settings map as written (also the route's flow limits, see
 *                    {@link io.corral.config.FlowLimits}), or null
 */
public record Route(String hostPattern, String pathPattern, String handlerName, Term options, int line,
        VersionProfile cowboyVersion, java.util.List<String> allowedOrigins, Term settings) {

    public Route(String hostPattern, String pathPattern, String handlerName, Term options, int line) {
        this(hostPattern, pathPattern, handlerName, options, line, null, java.util.List.of(), null);
    }

    public Route {
        allowedOrigins = java.util.List.copyOf(allowedOrigins);
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
