package io.corral.routing;
import java.util.*;
public final class Router {
    private final List<Route> routes;
    public Router(List<Route> routes) { this.routes = routes; }
    public List<Route> routes() { return routes; }
    public Optional<Match> match(String host, String path) {
        for (Route r : routes) if (r.pathPattern().equals(path) || r.pathPattern().equals("_")) return Optional.of(new Match(r, Map.of(), null, null));
        return Optional.empty();
    }
}
