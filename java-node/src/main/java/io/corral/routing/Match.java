package io.corral.routing;
import java.util.List;
import java.util.Map;
public record Match(Route route, Map<String, String> bindings, List<String> hostInfo, List<String> pathInfo) {}
