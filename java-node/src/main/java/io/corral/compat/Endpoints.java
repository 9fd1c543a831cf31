package io.corral.compat;

import io.corral.api.WebSocketHandler;
import io.corral.api.WebSocketHandler1;
import io.corral.connection.HandlerEndpoint;
import io.corral.routing.Route;
import java.lang.reflect.Constructor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The one factory that picks a handler's flavour: a Java class implementing the 2.x interface, or an Erlang module
 * served by erlang-bridge (given as {@code erlang}; null when no Erlang node is configured).
 */
public final class Endpoints {
    private Endpoints() {}

    /** Thrown at start for a route whose handler cannot be served; the message names it. */
    public static final class UnknownHandlerException extends Exception {
        public UnknownHandlerException(String message) {
            super(message);
        }
    }

    public static Map<Route, HandlerEndpoint> resolve(List<Route> routes, Function<Route, HandlerEndpoint> erlang)
            throws UnknownHandlerException {
        Map<Route, HandlerEndpoint> out = new LinkedHashMap<>();
        for (Route r : routes) out.put(r, resolve(r, erlang));
        return out;
    }

    static HandlerEndpoint resolve(Route route, Function<Route, HandlerEndpoint> erlang) throws UnknownHandlerException {
        if (route.isJavaHandler()) return java(route);
        if (erlang == null) {
            throw new UnknownHandlerException("route " + route.pathPattern() + " (line " + route.line()
                    + ") names Erlang module " + route.handlerName() + " but no Erlang node is configured");
        }
        return erlang.apply(route);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static HandlerEndpoint java(Route route) throws UnknownHandlerException {
        String name = route.handlerName();
        Class<?> cls;
        try {
            cls = Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new UnknownHandlerException("route " + route.pathPattern() + " (line " + route.line()
                    + "): Java handler class " + name + " not found on the class path");
        }
        Object instance;
        try {
            Constructor<?> c = cls.getDeclaredConstructor();
            c.setAccessible(true);
            instance = c.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new UnknownHandlerException("route " + route.pathPattern() + ": cannot create " + name
                    + " (it needs a public no-argument constructor): " + e);
        }
        // The generation follows the interface implemented, never a setting.
        if (instance instanceof WebSocketHandler h) return new JavaEndpoint(h, route.options());
        if (instance instanceof WebSocketHandler1 h) return new JavaEndpoint1(h, route.options());
        throw new UnknownHandlerException("route " + route.pathPattern() + ": " + name
                + " implements neither io.corral.api.WebSocketHandler (2.x) nor io.corral.api.WebSocketHandler1 (1.x)");
    }
}
