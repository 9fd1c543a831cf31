package io.corral.cli;

import io.corral.Corral;
import io.corral.config.ListenerSettings;
import io.corral.config.Settings;
import io.corral.config.VersionProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** {@code corral}: parses the command line into {@link Settings} and runs the command. */
public final class Main {

    static final String HELP = """
            corral - a WebSocket server engine for the JVM that speaks Cowboy's websocket-handler contract

            Usage:
              corral serve --routes FILE [--port P] [--bind ADDR] [options]
              corral demo [--port P] [--bind ADDR]
              corral compat --target ws://HOST:PORT --generation 1.x|2.x [--prefix /erl25]
                            [--only PATTERN] [--out DIR]
              corral attach --node NAME@HOST --owner NODE   (started by corral:start_clear/3 on an
                                         Erlang node; reads the cookie from standard input)
              corral test                (the launcher script: the whole test suite)
              corral build               (the launcher script: build without running anything)
              corral --help
              corral --version

            serve   Serves the routes in FILE: Cowboy's dispatch format as Erlang terms,
                    [{HostMatch, [{PathMatch, Handler, Opts}]}]. A Java handler is named by its class
                    ('com.example.ChatHandler'), an Erlang module by its name (chat_handler).
            demo    Serves the built-in example handlers and prints their URLs; http://ADDR:PORT/ is a
                    browser page that opens each of them.
            compat  Runs the Cowboy compatibility catalogue (compat-tests) against a running server that
                    serves the compat handlers under PREFIX (Corral: compat-tests/routes/corral.routes;
                    Cowboy: the modules of compat-tests/src/main/erlang). Prints expected / observed /
                    pass-fail per scenario, writes junit.xml and report.json to DIR (default
                    ./compat-report), exits 1 when a scenario fails. 'corral compat --help' for more.

            Options:
              --port P               TCP port (default 8080; 0 picks a free one)
              --bind ADDR            address to listen on (default 127.0.0.1)
              --routes FILE          the routes file (serve)
              --cowboy-version V     reproduce Cowboy V for every route: 1.0, 1.1, 2.0 or 2.latest
                                     (default: each handler's generation; Java 2.x handlers -> 2.latest)
              --threads N            event loop threads (default: 2 x cores)
              --node NAME[@HOST]     join the Erlang cluster as this hidden node; every connection
                                     gets a pid that any Erlang process can send to
              --cookie C             deprecated, warns: every local user can read a command line; use
                                     --cookie-file or the CORRAL_COOKIE environment variable
              --cookie-file F        read the cookie from F (default ~/.erlang.cookie, as erl does);
                                     refused unless only its owner can read it
              --erlang-node N@H      where Erlang handler modules run (erlang-bridge must be started
                                     there); repeatable: each upgrade goes to one of the live nodes
                                     that run the route's module, and the other erlang-bridge nodes
                                     of their pg group (scope corral_cluster) are used too. Without
                                     it Corral starts a local erl node itself, bound to 127.0.0.1
                                     with a random cookie, and loads erlang-bridge into it
              --placement P          how an upgrade picks its node: least-connections (default),
                                     round-robin, hash:header:NAME or hash:binding:NAME (sticky)
              --pa DIR               add DIR to the local Erlang node's code path (repeatable)
              --tls-cert FILE        serve wss:// with this PEM certificate chain (leaf first);
                                     needs --tls-key. TLS 1.3 and 1.2 only, ALPN http/1.1, OpenSSL
                                     (netty-tcnative BoringSSL) when it loads, else the JDK's TLS
              --tls-key FILE         the certificate's PEM private key (PKCS#8 or RSA/EC)
              --tls-key-password-file F
                                     the password of an encrypted key: the file's first line
              --tls-key-password P   the same on the command line (every local user can read it there)
              --tls-ca FILE          require client certificates issued by these PEM CAs
              --metrics-port P       serve Prometheus text at http://127.0.0.1:P/metrics (default: off;
                                     0 picks a free port)
              --metrics-bind ADDR    where the metrics endpoint listens (default 127.0.0.1)
              --drain-timeout T      on SIGTERM/SIGINT: stop accepting, send close 1001 to every
                                     connection (handlers' terminate runs), wait up to T for the
                                     clients' close replies, close the rest, exit 0 (default 10s;
                                     T is seconds, or with an ms/s suffix)
              --jmx                  also publish the metrics as JMX MBeans (domain "metrics")
              --dist-bind ADDR       address of the hidden node's distribution listener and of the
                                     epmd Corral starts (default loopback: this machine only;
                                     0.0.0.0 for every interface)
              --net-ticktime S       a connected node silent for S seconds is down (default 60, as
                                     OTP; must match the cluster's net_ticktime)
              --max-in-flight BYTES  per connection: client data handed to an Erlang handler and not yet
                                     answered before reading stops (default 1048576)
              --send-buffer BYTES    per connection: data queued towards the client before reading stops
                                     and --send-timeout runs; four times this closes at once (default 1048576)
              --send-timeout MS      close a connection whose client takes nothing for this long (default
                                     30000, ranch's send_timeout); a route's settings map may override all three
              --classpath DIR|JAR[:DIR|JAR...]
                                     where Java handler classes named in the routes are also looked
                                     for, after Corral's own (repeatable; CORRAL_CLASSPATH is read
                                     the same way, before the option's entries)
              --page URLPATH=FILE    answer a plain GET of URLPATH with FILE (.html, .js, .css, .txt),
                                     e.g. --page /=index.html for a browser page (repeatable)
              --help                 this text
              --version              Corral's version, and the JInterface and Netty it runs with

            Listener limits (Cowboy's names and defaults; see README "Limits"):
              --request-timeout MS   the whole request must arrive within MS (default 5000): no request
                                     line by then closes the connection, a partial request gets 408
              --max-headers N        more headers get 431 (default 100)
              --max-header-name-length N    longer header names get 431 (default 64 bytes)
              --max-header-value-length N   longer header values get 431 (default 4096 bytes)
              --max-request-line-length N   a longer request line gets 414 (default 8000 bytes)
              --max-connections N    open connections of the listener; one more gets 503 and is closed
                                     (default: the open-file limit less a quarter, at most 1024 less)
              --compress             Cowboy 1.x's listener-wide compress: 1.x routes accept
                                     x-webkit-deflate-frame / deflate-frame (2.x routes: compress => true)
              --allowed-origin O     allow upgrades only from origin O on every route (repeatable; exact,
                                     or https://*.example.com for any subdomain); default: no check

            Every option is accepted as --opt value and as --opt=value.
            A malformed routes file stops the start with FILE:LINE and what is wrong; a Java class or an
            Erlang module that cannot be loaded stops it naming the class, or the module and the node.
            """;

    /** Options that set a {@link ListenerSettings} limit by its Cowboy name ({@code --max-headers} -> max_headers). */
    private static final List<String> LISTENER_OPTIONS = List.of("--request-timeout", "--max-headers",
            "--max-header-name-length", "--max-header-value-length", "--max-request-line-length", "--max-connections");

    private Main() {}

    public static void main(String[] args) {
        Thread.setDefaultUncaughtExceptionHandler(Main::uncaught);
        launcherDefaults();
        System.exit(run(args, System.out, System.err));
    }

    /**
     * A VM error that ends a thread (one of JInterface's connection threads, a writer) leaves the JVM half alive:
     * say so on the last line and halt with a non-zero status so a supervisor restarts Corral (halt, not exit: the
     * shutdown hooks would need the very memory or state that is gone). Out-of-memory never gets here: the
     * launcher's -XX:+ExitOnOutOfMemoryError ends the JVM at the first one, wherever it is caught.
     */
    private static void uncaught(Thread t, Throwable e) {
        if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
            System.err.println("corral: fatal " + e + " in thread " + t.getName() + "; exiting");
            System.err.flush();
            Runtime.getRuntime().halt(70);
        }
        System.err.println("Exception in thread \"" + t.getName() + "\" " + e);
        e.printStackTrace();
    }

    /**
     * What a production run of the launcher needs before anything logs or allocates a buffer; each is a default that
     * a {@code -D} on the java command line overrides. Netty's leak detector samples buffers and, at its default
     * level, keeps the JIT from inlining the frame unmask loop (half the throughput at 16 KiB frames): it is off.
     * The log format is slf4j-simple's, the launcher's own backend (an embedder brings theirs).
     */
    static void launcherDefaults() {
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        }
        java.util.Map.of(
                "org.slf4j.simpleLogger.defaultLogLevel", "info",
                "org.slf4j.simpleLogger.showDateTime", "true",
                "org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS",
                "org.slf4j.simpleLogger.showThreadName", "false",
                "org.slf4j.simpleLogger.showShortLogName", "true")
                .forEach((k, v) -> { if (System.getProperty(k) == null) System.setProperty(k, v); });
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || List.of("--help", "-h", "help").contains(args[0])) {
            out.print(HELP);
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("--version")) {
            out.println(version());
            return 0;
        }
        String command = args[0];
        if (command.equals("compat")) return compat(List.of(args).subList(1, args.length), out, err);
        if (command.equals("attach")) return Attach.run(List.of(args).subList(1, args.length), System.in, out, err);
        Settings settings;
        try {
            settings = parse(command, List.of(args).subList(1, args.length));
        } catch (IllegalArgumentException e) {
            err.println("corral: " + e.getMessage());
            err.println("Run 'corral --help' for usage.");
            return 2;
        }
        if (settings == null) {
            out.print(HELP);
            return 0;
        }
        if (List.of(args).stream().anyMatch(a -> a.equals("--cookie") || a.startsWith("--cookie="))) {
            err.println("corral: " + COOKIE_ON_COMMAND_LINE);
        }
        Corral started;
        try {
            started = Corral.start(settings, pagesFor(command));
        } catch (Corral.StartException | IllegalArgumentException e) {
            err.println("corral: " + e.getMessage());
            return 1;
        }
        // SIGTERM/SIGINT wake the main thread, which drains and returns 0: a JVM that lets the signal end it exits
        // 143/130 whatever its hooks do. The hook stays for every other way the JVM may end (it is idempotent).
        CountDownLatch stop = new CountDownLatch(1);
        for (String sig : List.of("TERM", "INT")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> stop.countDown());
            } catch (IllegalArgumentException e) {
                // the signal is not available here (or reserved by the JVM): the default handling stays
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(started::close, "corral-shutdown"));
        try (Corral corral = started) {
            String base = (settings.tls() != null ? "wss://" : "ws://") + hostForUrl(settings.bind()) + ":" + corral.port();
            out.println("corral: listening on " + base);
            if (command.equals("demo")) {
                out.println("corral: open http://" + hostForUrl(settings.bind()) + ":" + corral.port()
                        + "/ in a browser: every demo route, frames both ways and the close code");
            }
            if (corral.metricsPort() >= 0) {
                out.println("corral: metrics on http://" + hostForUrl(settings.metricsBind()) + ":" + corral.metricsPort() + "/metrics");
            }
            if (command.equals("demo")) {
                out.println("  " + base + "/echo    echoes text and binary frames (Java handler)");
                out.println("  " + base + "/clock   pushes the time every second (Java handler)");
                out.println("  " + base + "/chat/ROOM  a chat room: every text reaches every member (Java handler, groups)");
                out.println("  " + base + "/erl/echo       echoes frames (Erlang Cowboy 2.x module demo_echo on " + corral.handlerNode() + ")");
                out.println("  " + base + "/erl/clock      pushes the time from an Erlang timer (Cowboy 2.x module demo_clock)");
                out.println("  " + base + "/erl1/echo      echoes frames (Erlang Cowboy 1.x module demo_echo_v1)");
                if (corral.node() != null) out.println("corral: hidden Erlang node " + corral.node().name());
            }
            out.flush();
            stop.await(); // serves until the process is told to stop
            out.println("corral: draining (up to " + settings.drainTimeout().toMillis() + " ms)");
            out.flush();
            return 0; // leaving the try drains: Corral.close()
        } catch (InterruptedException e) {
            return 0;
        }
    }

    /**
     * {@code corral compat} lives in the compat-tests module, which depends on java-node: it is found on the class
     * path (./corral adds compat-tests/target/classes) and called by reflection.
     */
    static int compat(List<String> args, PrintStream out, PrintStream err) {
        try {
            Class<?> c = Class.forName("io.corral.compat.CompatCommand");
            return (int) c.getMethod("run", List.class, PrintStream.class, PrintStream.class).invoke(null, args, out, err);
        } catch (ClassNotFoundException e) {
            err.println("corral: 'compat' needs the compat-tests module on the class path (./corral build)");
            return 2;
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            err.println("corral compat: " + cause);
            return 1;
        }
    }

    private static String hostForUrl(String bind) {
        if (bind.equals("0.0.0.0")) return "127.0.0.1";
        return bind.contains(":") ? "[" + bind + "]" : bind;
    }

    /** {@code --page} entries of the last {@link #parse}: URL path to file (the CLI parses once per process). */
    static final Map<String, Path> pages = new java.util.LinkedHashMap<>();

    /** The pages to serve: the demo's at {@code /}, then every {@code --page}, read now (a page is small). */
    static Map<String, io.corral.transport.StaticPages.Page> pagesFor(String command) {
        Map<String, io.corral.transport.StaticPages.Page> out = new java.util.LinkedHashMap<>();
        if (command.equals("demo")) out.put("/", demoPage());
        for (var e : pages.entrySet()) {
            try {
                out.put(e.getKey(), new io.corral.transport.StaticPages.Page(contentType(e.getValue()),
                        Files.readAllBytes(e.getValue())));
            } catch (IOException x) {
                throw new IllegalArgumentException("--page file " + e.getValue() + " cannot be read: " + x.getMessage());
            }
        }
        return out;
    }

    private static String contentType(Path f) {
        String n = f.getFileName().toString();
        if (n.endsWith(".html") || n.endsWith(".htm")) return "text/html; charset=utf-8";
        if (n.endsWith(".js") || n.endsWith(".mjs")) return "text/javascript; charset=utf-8";
        if (n.endsWith(".css")) return "text/css; charset=utf-8";
        return "text/plain; charset=utf-8";
    }

    /** What {@code --version} prints: Corral's version, the JInterface it was built with, Netty's. */
    static String version() {
        java.util.Properties p = new java.util.Properties();
        try (InputStream in = Main.class.getResourceAsStream("/io/corral/version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            // a build without the resource still prints what it can
        }
        String netty = io.netty.util.Version.identify().getOrDefault("netty-common",
                null) instanceof io.netty.util.Version v ? v.artifactVersion() : "unknown";
        return "corral " + p.getProperty("corral.version", "unknown") + " (JInterface "
                + p.getProperty("jinterface.version", "unknown") + ", Netty " + netty + ", Java "
                + Runtime.version() + ")";
    }

    /** Parses a command's options; returns null when {@code --help} was asked. */
    static Settings parse(String command, List<String> args) {
        return parse(command, args, System.getenv("CORRAL_CLASSPATH"), System.getenv("CORRAL_COOKIE"));
    }

    static Settings parse(String command, List<String> given, String classPathEnv) {
        return parse(command, given, classPathEnv, null);
    }

    /** Printed when {@code --cookie} is given: a command line is readable by every local user. */
    static final String COOKIE_ON_COMMAND_LINE = "warning: --cookie puts the cookie on the command line, where every"
            + " local user can read it (/proc/PID/cmdline); use --cookie-file F (readable by its owner only) or the"
            + " CORRAL_COOKIE environment variable instead (--cookie will be removed)";

    /**
     * Parses a command's options, {@code --opt value} or {@code --opt=value}; {@code classPathEnv} is
     * {@code CORRAL_CLASSPATH} and {@code cookieEnv} is {@code CORRAL_COOKIE} (null when unset; the cookie when neither
     * {@code --cookie} nor {@code --cookie-file} is given: a process's environment is readable by its owner only).
     * Returns null when {@code --help} was asked.
     */
    static Settings parse(String command, List<String> given, String classPathEnv, String cookieEnv) {
        List<String> args = new ArrayList<>();
        for (String a : given) {
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 2) {
                args.add(a.substring(0, eq));
                args.add(a.substring(eq + 1));
            } else {
                args.add(a);
            }
        }
        pages.clear();
        List<Path> classPath = new ArrayList<>();
        if (classPathEnv != null && !classPathEnv.isBlank()) classPath.addAll(classPathEntries("CORRAL_CLASSPATH", classPathEnv));
        Settings.Builder b = Settings.builder();
        List<Path> pa = new ArrayList<>();
        Path tlsCert = null, tlsKey = null, tlsCa = null;
        String tlsKeyPassword = null;
        io.corral.config.FlowLimits flow = io.corral.config.FlowLimits.DEFAULTS;
        switch (command) {
            case "serve" -> {}
            case "demo" -> {
                b.routesText("demo routes", demoRoutes());
                pa.add(io.corral.erlang.LocalErlangNode.bridgeHome().resolve("examples-ebin"));
            }
            default -> throw new IllegalArgumentException("unknown command '" + command + "'");
        }
        ListenerSettings.Builder listener = ListenerSettings.builder();
        boolean cookieGiven = false;
        List<String> origins = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--help") || a.equals("-h")) return null;
            String v = i + 1 < args.size() ? args.get(i + 1) : null;
            if (a.equals("--compress")) {
                listener.compress(true);
                continue;
            }
            if (a.equals("--allowed-origin")) {
                origins.add(need(a, v));
                i++;
                continue;
            }
            if (LISTENER_OPTIONS.contains(a)) {
                listener.option(a.substring(2), need(a, v));
                i++;
                continue;
            }
            switch (a) {
                case "--port" -> b.port(intArg(a, v));
                case "--bind" -> b.bind(need(a, v));
                case "--routes" -> {
                    Path p = Path.of(need(a, v));
                    if (!Files.isReadable(p)) throw new IllegalArgumentException("routes file " + p + " cannot be read");
                    b.routesFile(p);
                }
                case "--cowboy-version" -> b.cowboyVersion(VersionProfile.parse(need(a, v)));
                case "--threads" -> b.threads(intArg(a, v));
                case "--node" -> b.nodeName(need(a, v));
                case "--cookie" -> {
                    b.cookie(need(a, v));
                    cookieGiven = true;
                }
                case "--cookie-file" -> {
                    b.cookieFile(Path.of(need(a, v)));
                    cookieGiven = true;
                }
                case "--erlang-node" -> b.erlangNode(need(a, v));
                case "--placement" -> b.placement(io.corral.erlang.Placement.parse(need(a, v)));
                case "--dist-bind" -> b.distBind(need(a, v));
                case "--net-ticktime" -> b.netTickTime(java.time.Duration.ofSeconds(intArg(a, v)));
                case "--classpath" -> classPath.addAll(classPathEntries(a, need(a, v)));
                case "--page" -> {
                    String spec = need(a, v);
                    int eq = spec.indexOf('=');
                    if (eq < 1 || !spec.startsWith("/")) throw new IllegalArgumentException("--page needs URLPATH=FILE, got '" + spec + "'");
                    Path f = Path.of(spec.substring(eq + 1));
                    if (!Files.isReadable(f)) throw new IllegalArgumentException("--page file " + f + " cannot be read");
                    pages.put(spec.substring(0, eq), f);
                }
                case "--pa" -> {
                    Path p = Path.of(need(a, v));
                    if (!Files.isDirectory(p)) throw new IllegalArgumentException("--pa " + p + " is not a directory");
                    pa.add(p);
                }
                case "--drain-timeout" -> b.drainTimeout(duration(a, v));
                case "--metrics-port" -> b.metricsPort(intArg(a, v));
                case "--metrics-bind" -> b.metricsBind(need(a, v));
                case "--jmx" -> {
                    b.jmx(true);
                    i--; // a flag: no value follows
                }
                case "--max-in-flight" -> flow = new io.corral.config.FlowLimits(longArg(a, v), flow.sendBufferBytes(),
                        flow.sendTimeoutMillis());
                case "--send-buffer" -> flow = new io.corral.config.FlowLimits(flow.maxInFlightBytes(), longArg(a, v),
                        flow.sendTimeoutMillis());
                case "--send-timeout" -> flow = new io.corral.config.FlowLimits(flow.maxInFlightBytes(),
                        flow.sendBufferBytes(), longArg(a, v));
                case "--tls-cert" -> tlsCert = Path.of(need(a, v));
                case "--tls-key" -> tlsKey = Path.of(need(a, v));
                case "--tls-ca" -> tlsCa = Path.of(need(a, v));
                case "--tls-key-password" -> tlsKeyPassword = need(a, v);
                case "--tls-key-password-file" -> tlsKeyPassword = firstLine(a, Path.of(need(a, v)));
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
            i++;
        }
        if ((tlsCert == null) != (tlsKey == null)) throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        if (tlsCa != null && tlsCert == null) throw new IllegalArgumentException("--tls-ca needs --tls-cert and --tls-key");
        if (tlsKeyPassword != null && tlsKey == null) throw new IllegalArgumentException("a TLS key password needs --tls-key");
        if (tlsCert != null) {
            b.tls(io.corral.config.TlsSettings.builder(tlsCert, tlsKey).caFile(tlsCa).keyPassword(tlsKeyPassword).build());
        }
        if (!cookieGiven && cookieEnv != null && !cookieEnv.isEmpty()) b.cookie(cookieEnv);
        b.codePaths(pa);
        b.listener(listener.allowedOrigins(origins).build());
        b.flow(flow);
        b.classPath(classPath);
        return b.build();
    }

    /** A secret kept in a file: its first line, without the line end (as {@code openssl -passin file:F} reads it). */
    private static String firstLine(String option, Path f) {
        try {
            return Files.readAllLines(f).stream().findFirst().orElse("");
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new IllegalArgumentException(option + " " + f + " cannot be read: " + e.getMessage());
        }
    }

    /** A java-style class path (entries separated by ':'), each entry a directory or a jar that exists. */
    private static List<Path> classPathEntries(String from, String value) {
        List<Path> out = new ArrayList<>();
        for (String e : value.split(java.io.File.pathSeparator)) {
            if (e.isEmpty()) continue;
            Path p = Path.of(e);
            if (!Files.isDirectory(p) && !(Files.isRegularFile(p) && e.endsWith(".jar"))) {
                throw new IllegalArgumentException(from + ": " + p + " is neither a directory nor a .jar file");
            }
            out.add(p);
        }
        return out;
    }

    private static String need(String option, String value) {
        if (value == null || value.startsWith("--")) throw new IllegalArgumentException(option + " needs a value");
        return value;
    }

    /** {@code 10}, {@code 10s} or {@code 500ms}. */
    static java.time.Duration duration(String option, String value) {
        String v = need(option, value).trim();
        try {
            if (v.endsWith("ms")) return java.time.Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            if (v.endsWith("s")) v = v.substring(0, v.length() - 1);
            return java.time.Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a duration (10, 10s or 500ms), got '" + value + "'");
        }
    }

    private static long longArg(String option, String value) {
        try {
            return Long.parseLong(need(option, value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, got '" + value + "'");
        }
    }

    private static int intArg(String option, String value) {
        try {
            return Integer.parseInt(need(option, value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, got '" + value + "'");
        }
    }

    /** The demo's browser page (java-node/src/main/resources/io/corral/demo/index.html), served at {@code /}. */
    static io.corral.transport.StaticPages.Page demoPage() {
        try (InputStream in = Main.class.getResourceAsStream("/io/corral/demo/index.html")) {
            return new io.corral.transport.StaticPages.Page("text/html; charset=utf-8", in.readAllBytes());
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the demo page is missing from the jar", e);
        }
    }

    static String demoRoutes() {
        try (InputStream in = Main.class.getResourceAsStream("/io/corral/demo/routes.conf")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the demo routes are missing from the jar", e);
        }
    }
}
