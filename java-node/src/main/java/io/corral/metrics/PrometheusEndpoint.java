package io.corral.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code GET /metrics} in Prometheus' text format, on its own port, away from the WebSocket listener (so a scrape
 * never competes with the event loops, and the port can stay firewalled). The JDK's own HTTP server serves it: one
 * path, a few requests a minute, nothing Netty's pipeline would add. Micrometer's {@link PrometheusMeterRegistry}
 * formats.
 */
public final class PrometheusEndpoint implements AutoCloseable {
    /** Prometheus' text exposition format, version 0.0.4. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final HttpServer server;
    private final ExecutorService executor;

    private PrometheusEndpoint(PrometheusMeterRegistry registry, HttpServer server, ExecutorService executor) {
        this.registry = registry;
        this.server = server;
        this.executor = executor;
    }

    /** Adds a Prometheus registry to {@code meters} and serves it at {@code http://bind:port/metrics}. */
    public static PrometheusEndpoint start(String bind, int port, CompositeMeterRegistry meters) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(bind, port), 16);
        } catch (IOException e) {
            registry.close();
            throw new IOException("cannot serve metrics on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "corral-metrics");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", ex -> scrape(ex, registry));
        server.createContext("/", ex -> answer(ex, 404, "text/plain; charset=utf-8", "metrics are at /metrics\n"));
        server.start();
        meters.add(registry);
        return new PrometheusEndpoint(registry, server, executor);
    }

    private static void scrape(HttpExchange ex, PrometheusMeterRegistry registry) throws IOException {
        if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
            answer(ex, 405, "text/plain; charset=utf-8", "GET only\n");
            return;
        }
        answer(ex, 200, CONTENT_TYPE, registry.scrape());
    }

    private static void answer(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : b.length);
        try (OutputStream out = ex.getResponseBody()) {
            if (!head) out.write(b);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        registry.close();
    }
}
