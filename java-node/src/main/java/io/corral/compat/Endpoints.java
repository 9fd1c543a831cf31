package io.corral.compat;

import io.corral.api.Term;
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
        return resolve(routes, erlang, Map.of());
    }

    /**
     * As {@link #resolve(List, Function)}, where {@code given} holds the handlers given in code (instances or
     * suppliers), by the handler name their routes carry.
     */
    public static Map<Route, HandlerEndpoint> resolve(List<Route> routes, Function<Route, HandlerEndpoint> erlang,
            Map<String, Function<Term, HandlerEndpoint>> given) throws UnknownHandlerException {
        return resolve(routes, erlang, given, Endpoints.class.getClassLoader());
    }

    /** As {@link #resolve(List, Function, Map)}, loading handler classes named in routes with {@code classes}. */
    public static Map<Route, HandlerEndpoint> resolve(List<Route> routes, Function<Route, HandlerEndpoint> erlang,
            Map<String, Function<Term, HandlerEndpoint>> given, ClassLoader classes) throws UnknownHandlerException {
        Map<Route, HandlerEndpoint> out = new LinkedHashMap<>();
        for (Route r : routes) {
            Function<Term, HandlerEndpoint> g = given.get(r.handlerName());
            out.put(r, g != null ? g.apply(r.options()) : resolve(r, erlang, classes));
        }
        return out;
    }

    /** A handler instance given in code, whichever shape it implements. */
    public static HandlerEndpoint of(Object handler, Term options) {
        return switch (handler) {
            case WebSocketHandler<?> h -> new JavaEndpoint<>(h, options);
            case WebSocketHandler1<?> h -> new JavaEndpoint1<>(h, options);
            default -> throw new IllegalArgumentException(handler.getClass().getName()
                    + " implements neither io.corral.api.WebSocketHandler (2.x) nor io.corral.api.WebSocketHandler1 (1.x)");
        };
    }

    static HandlerEndpoint resolve(Route route, Function<Route, HandlerEndpoint> erlang, ClassLoader classes)
            throws UnknownHandlerException {
        if (route.isJavaHandler()) return java(route, classes);
        if (erlang == null) {
            throw new UnknownHandlerException("route " + route.pathPattern() + " (line " + route.line()
                    + ") names Erlang module " + route.handlerName() + " but no Erlang node is configured");
        }
        return erlang.apply(route);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static HandlerEndpoint java(Route route, ClassLoader classes) throws UnknownHandlerException {
        String name = route.handlerName();
        Class<?> cls;
        try {
            cls = Class.forName(name, true, classes);
        } catch (ClassNotFoundException e) {
            throw new UnknownHandlerException("route " + route.pathPattern() + " (line " + route.line()
                    + "): Java handler class " + name + " not found on the class path"
                    + (classes instanceof java.net.URLClassLoader u && u.getURLs().length > 0
                            ? " nor in " + java.util.Arrays.toString(u.getURLs()) : " (add its classes with --classpath)"));
        } catch (LinkageError e) {
            throw new UnknownHandlerException("route " + route.pathPattern() + " (line " + route.line()
                    + "): Java handler class " + name + " cannot be loaded: " + e);
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
