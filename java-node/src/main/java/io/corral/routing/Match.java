package io.corral.routing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A route that matched a request, with what the patterns captured.
 *
 * @param route    the matching route
 * @param bindings {@code :name} values by name, percent-decoded and read as UTF-8 (an {@code int} constraint leaves
 *                 the canonical decimal form)
 * @param hostInfo what a host {@code [...]} captured, left to right as in the host; null when the pattern had none
 * @param pathInfo what a path {@code [...]} captured; null when the pattern had none
 */
public record Match(Route route, Map<String, String> bindings, List<String> hostInfo, List<String> pathInfo)
        implements Lookup {

    public Match {
        Objects.requireNonNull(route);
        // Insertion order kept (host bindings first) so printing a match reads like the URL.
        bindings = Collections.unmodifiableMap(new LinkedHashMap<>(bindings));
        hostInfo = hostInfo == null ? null : List.copyOf(hostInfo);
        pathInfo = pathInfo == null ? null : List.copyOf(pathInfo);
    }
}
