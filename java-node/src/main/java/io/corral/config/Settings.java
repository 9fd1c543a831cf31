package io.corral.config;

import io.corral.erlang.Placement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything one Corral process is started with; defaults live here and nowhere else. The CLI only parses into this.
 *
 * @param bind address to listen on (default 127.0.0.1)
 * @param port TCP port (default 8080; 0 picks a free one)
 * @param routesFile a Cowboy-style dispatch file, or null when {@code routesText} is given
 * @param routesText routes as text (the demo's built-in routes), named {@code routesName} in errors
 * @param cowboyVersion the Cowboy version every route reproduces, or null to follow each handler's generation
 * @param threads event loop threads (0: Netty's default)
 * @param nodeName the hidden node's name ({@code NAME} or {@code NAME@HOST}), or null for no Erlang node unless
 *     Erlang handlers need one
 * @param cookie the distribution cookie, or null to read {@code cookieFile}
 * @param cookieFile a cookie file, or null for {@code ~/.erlang.cookie}
 * @param erlangNode the first of {@code erlangNodes}, or null to start a local node
 * @param codePaths directories added to the Erlang node's code path ({@code --pa})
 * @param tls how the listener serves {@code wss://}, or null for plain {@code ws://} (the default)
 * @param metricsPort the Prometheus endpoint's port ({@code --metrics-port}), or -1 for none (the default; 0 picks a
 *     free one); it listens on {@code metricsBind} only
 * @param metricsBind where the Prometheus endpoint listens (default 127.0.0.1: metrics are not for the world)
 * @param jmx whether the metrics are also published as JMX MBeans (default false; {@code --jmx})
 * @param drainTimeout on shutdown, how long connections told 1001 get to answer with their close before they are cut
 *     (default 10 s)
 * @param listener the listener's pre-upgrade limits, origin check and 1.x compression ({@link ListenerSettings})
 * @param erlangNodes where Erlang handler modules run ({@code --erlang-node}, repeatable), beside the nodes
 *     discovered through their pg group; empty to start a local node
 * @param placement how an upgrade picks among the nodes that can serve it (default least connections)
 * @param netTickTime distribution's net_ticktime for the hidden node and the local Erlang node, or null for
 *     NodeSettings' default (OTP's 60 s)
 * @param distBind the address the hidden node's distribution listener (and the epmd it starts) binds, or null for
 *     NodeSettings' default (loopback)
 * @param flow per-connection limits in both directions (in flight to a remote handler, queued towards the client,
 *     send timeout), defaults in {@link FlowLimits#DEFAULTS}; a route's settings map may override them
 * @param classPath directories and jars where Java handler classes named in the routes are also looked for
 *     ({@code --classpath}, {@code CORRAL_CLASSPATH}), after Corral's own class path
 */
public record Settings(String bind, int port, Path routesFile, String routesText, String routesName,
        VersionProfile cowboyVersion, int threads, String nodeName, String cookie, Path cookieFile, String erlangNode,
        List<Path> codePaths, TlsSettings tls, int metricsPort, String metricsBind, boolean jmx, java.time.Duration drainTimeout,
        ListenerSettings listener, List<String> erlangNodes, Placement placement, java.time.Duration netTickTime,
        String distBind, FlowLimits flow, List<Path> classPath) {

    public Settings {
        codePaths = List.copyOf(codePaths);
        erlangNodes = List.copyOf(erlangNodes);
        classPath = List.copyOf(classPath);
    }

    /** How long a drain waits for clients' close replies unless told otherwise. */
    public static final java.time.Duration DEFAULT_DRAIN_TIMEOUT = java.time.Duration.ofSeconds(10);

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String bind = "127.0.0.1";
        private int port = 8080;
        private Path routesFile;
        private String routesText;
        private String routesName;
        private VersionProfile cowboyVersion;
        private int threads;
        private String nodeName;
        private String cookie;
        private Path cookieFile;
        private final List<String> erlangNodes = new ArrayList<>();
        private Placement placement = Placement.DEFAULT;
        private List<Path> codePaths = List.of();
        private TlsSettings tls;
        private int metricsPort = -1;
        private String metricsBind = "127.0.0.1";
        private boolean jmx;
        private java.time.Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private ListenerSettings listener = ListenerSettings.DEFAULTS;
        private java.time.Duration netTickTime;
        private String distBind;
        private FlowLimits flow = FlowLimits.DEFAULTS;
        private List<Path> classPath = List.of();

        public Builder bind(String v) {
            bind = v;
            return this;
        }

        public Builder port(int v) {
            port = v;
            return this;
        }

        public Builder routesFile(Path v) {
            routesFile = v;
            return this;
        }

        public Builder routesText(String name, String text) {
            routesName = name;
            routesText = text;
            return this;
        }

        public Builder cowboyVersion(VersionProfile v) {
            cowboyVersion = v;
            return this;
        }

        public Builder threads(int v) {
            threads = v;
            return this;
        }

        public Builder nodeName(String v) {
            nodeName = v;
            return this;
        }

        public Builder cookie(String v) {
            cookie = v;
            return this;
        }

        public Builder cookieFile(Path v) {
            cookieFile = v;
            return this;
        }

        /** Adds a handler node; repeatable, as {@code --erlang-node}. */
        public Builder erlangNode(String v) {
            if (!erlangNodes.contains(v)) erlangNodes.add(v);
            return this;
        }

        public Builder placement(Placement v) {
            placement = v;
            return this;
        }

        public Builder codePaths(List<Path> v) {
            codePaths = v;
            return this;
        }

        /** Serves {@code wss://} with these settings; null (the default) serves plain {@code ws://}. */
        public Builder tls(TlsSettings v) {
            tls = v;
            return this;
        }

        /** Serves Prometheus text at {@code http://metricsBind:PORT/metrics}; -1 (the default) turns it off. */
        public Builder metricsPort(int v) {
            metricsPort = v;
            return this;
        }

        public Builder metricsBind(String v) {
            metricsBind = v;
            return this;
        }

        public Builder jmx(boolean v) {
            jmx = v;
            return this;
        }

        public Builder flow(FlowLimits v) {
            flow = v;
            return this;
        }

        public Builder drainTimeout(java.time.Duration v) {
            drainTimeout = v;
            return this;
        }

        public Builder listener(ListenerSettings v) {
            listener = v;
            return this;
        }

        public Builder netTickTime(java.time.Duration v) {
            netTickTime = v;
            return this;
        }

        public Builder distBind(String v) {
            distBind = v;
            return this;
        }

        public Builder classPath(List<Path> v) {
            classPath = v;
            return this;
        }

        public Settings build() {
            if (routesFile == null && routesText == null) throw new IllegalArgumentException("--routes FILE is required");
            if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be 0-65535, got " + port);
            if (metricsPort < -1 || metricsPort > 65535) {
                throw new IllegalArgumentException("--metrics-port must be 0-65535, got " + metricsPort);
            }
            if (drainTimeout.isNegative()) throw new IllegalArgumentException("--drain-timeout must not be negative");
            return new Settings(bind, port, routesFile, routesText, routesName, cowboyVersion, threads, nodeName,
                    cookie, cookieFile, erlangNodes.isEmpty() ? null : erlangNodes.getFirst(), codePaths, tls,
                    metricsPort, metricsBind, jmx, drainTimeout, listener, erlangNodes, placement, netTickTime, distBind,
                    flow,
                    classPath);
        }
    }
}
