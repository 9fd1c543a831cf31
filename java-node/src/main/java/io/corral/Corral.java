package io.corral;

import io.corral.compat.Endpoints;
import io.corral.config.Settings;
import io.corral.connection.HandlerEndpoint;
import io.corral.connection.ProcessBinding;
import io.corral.connection.ServerContext;
import io.corral.routing.Route;
import io.corral.routing.Router;
import io.corral.routing.RoutesFile;
import io.corral.routing.RoutesFileException;
import io.corral.transport.CorralServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One running Corral: routes read and resolved, the Erlang side joined when configured, the listener bound. Every
 * start-up error (a bad routes file, a missing handler) surfaces here, before a socket is opened.
 */
public final class Corral implements AutoCloseable {

    /** A start-up failure whose message names the file, line, class or module at fault. */
    public static final class StartException extends Exception {
        public StartException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final CorralServer server;
    private final List<AutoCloseable> resources;

    private Corral(CorralServer server, List<AutoCloseable> resources) {
        this.server = server;
        this.resources = resources;
    }

    public static Corral start(Settings settings) throws StartException {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            Router router = settings.routesFile() != null ? RoutesFile.parse(settings.routesFile())
                    : RoutesFile.parse(settings.routesText(), settings.routesName());
            ProcessBinding.Factory processes = ProcessBinding.NONE;
            Map<Route, HandlerEndpoint> endpoints = Endpoints.resolve(router.routes(), null);
            ServerContext ctx = new ServerContext(settings.bind() + ":" + settings.port(), router, endpoints,
                    settings.cowboyVersion(), processes);
            CorralServer server = CorralServer.start(settings.bind(), settings.port(), settings.threads(), ctx);
            return new Corral(server, resources);
        } catch (java.io.IOException e) {
            closeAll(resources);
            throw new StartException("cannot read routes file " + settings.routesFile() + ": " + e.getMessage(), e);
        } catch (RoutesFileException | Endpoints.UnknownHandlerException e) {
            closeAll(resources);
            throw new StartException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeAll(resources);
            throw new StartException("interrupted while starting", e);
        } catch (RuntimeException e) {
            closeAll(resources);
            throw new StartException("cannot listen on " + settings.bind() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.port();
    }

    public CorralServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
        closeAll(resources);
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources.reversed()) {
            try {
                r.close();
            } catch (Exception ignored) {
                // closing on the way out: nothing left to tell
            }
        }
    }
}
