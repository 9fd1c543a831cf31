package io.corral.erlang;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: an {@code erl} node that Corral starts itself for Erlang handler modules, bound to loopback,
 * with its own random cookie, erlang-bridge loaded and the user's {@code --pa} directories on its code path. It
 * halts when the Java node that owns it goes away, and Corral destroys it on exit.
 *
 * <p>Supervised ({@link #startSupervised}): when the node dies (a crash, kill -9) or the owner takes it as down (it
 * hung past net_ticktime; it is killed then, as it would halt itself on seeing its owner gone), it is started again
 * under the same name after a back-off that doubles from {@link #FIRST_RESTART} to {@link #MAX_RESTART} and starts
 * over once a node has stayed up for {@link #STABLE}. Routes name the node, so they serve again as soon as the owner
 * is connected to the new one; meanwhile their upgrades get 503 at once (RemoteEndpoint).
 *
 * <p>The cookie is never on the command line (any local user reads {@code /proc/PID/cmdline}): erl reads it from
 * {@code $HOME/.erlang.cookie}, so the node gets a private HOME, a directory only the owner can enter, holding that
 * file readable by the owner only (erl refuses a cookie file that others can read).
 */
public final class LocalErlangNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalErlangNode.class);
    /** erl's own output, a logger of its own so that it can be set apart ({@code ...simpleLogger.log.io.corral.erl}). */
    private static final Logger output = LoggerFactory.getLogger("io.corral.erl");

    static final Duration FIRST_RESTART = Duration.ofMillis(250);
    static final Duration MAX_RESTART = Duration.ofSeconds(30);
    static final Duration STABLE = Duration.ofSeconds(60);

    private final List<String> command;
    private final OwnedTempDir home;
    private final String nodeName;
    private final String cookie;
    private final ErlangNode owner; // null: not supervised
    private final ScheduledExecutorService restarter;
    private volatile Process process;
    private volatile long startedAt;
    private volatile boolean closed;
    private Duration backoff = FIRST_RESTART; // restarter thread only
    private int restarts; // restarter thread only

    private LocalErlangNode(List<String> command, OwnedTempDir home, String nodeName, String cookie, ErlangNode owner) {
        this.command = command;
        this.home = home;
        this.nodeName = nodeName;
        this.cookie = cookie;
        this.owner = owner;
        this.restarter = owner == null ? null : Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("corral-local-node").factory());
    }

    /** A fresh random cookie, for a local node nobody else should reach. */
    public static String randomCookie() {
        byte[] r = new byte[16];
        new SecureRandom().nextBytes(r);
        return HexFormat.of().formatHex(r);
    }

    /**
     * Emulator flags of the embedded node. It shares the machine, often the very cores (it inherits the JVM's CPU
     * affinity: {@code taskset -c 0 corral serve} pins both), with the JVM's event loops, and its work is a reply to
     * every distribution message the JVM sends, so a scheduler that spins waiting for the next one takes the CPU the
     * JVM needs to produce it:
     * <ul>
     *   <li>{@code +sbwt none}: normal schedulers sleep at once when out of work instead of busy-waiting (default
     *       {@code medium} spins for a while before sleeping);
     *   <li>{@code +sbwtdcpu none} / {@code +sbwtdio none}: the same for the dirty CPU and dirty I/O schedulers.
     * </ul>
     * Scheduler counts are left to erts: it starts one scheduler per core in its affinity mask.
     */
    static final List<String> SCHEDULER_FLAGS = List.of("+sbwt", "none", "+sbwtdcpu", "none", "+sbwtdio", "none");

    /**
     * Starts {@code erl -sname corral_handlers_N@localhost}, not supervised. {@code owner} is the Java node's full
     * name: the Erlang node halts when its connection to the owner drops after having been up.
     */
    public static LocalErlangNode start(Path bridgeHome, List<Path> codePaths, String owner, String cookie)
            throws IOException {
        return start(bridgeHome, codePaths, owner, cookie, NodeSettings.DEFAULT_TICK_TIME, null);
    }

    /**
     * Starts the node for {@code owner} (its name, cookie and net_ticktime) and restarts it whenever it dies or the
     * owner takes it as down, until {@link #close}. After each restart the owner connects to it again.
     */
    public static LocalErlangNode startSupervised(Path bridgeHome, List<Path> codePaths, ErlangNode owner)
            throws IOException {
        LocalErlangNode n = start(bridgeHome, codePaths, owner.name(), owner.settings().cookie(),
                owner.settings().tickTime(), owner);
        owner.addNodeListener(new NodeListener() {
            @Override
            public void nodeDown(String node, String reason) {
                Process p = n.process;
                if (node.equals(n.nodeName) && !n.closed && p.isAlive()) {
                    log.warn("local Erlang node {} is down ({}) but its process runs: killing it to restart it",
                            node, reason);
                    p.destroyForcibly();
                }
            }
        });
        return n;
    }

    private static LocalErlangNode start(Path bridgeHome, List<Path> codePaths, String owner, String cookie,
            Duration tickTime, ErlangNode supervisor) throws IOException {
        Path ebin = bridgeHome.resolve("ebin");
        if (!Files.isRegularFile(ebin.resolve("corral_bridge.app"))) {
            throw new IOException("erlang-bridge is not built: " + ebin + "/corral_bridge.app is missing (run ./corral build)");
        }
        byte[] r = new byte[12];
        new SecureRandom().nextBytes(r);
        String name = "corral_handlers_" + ProcessHandle.current().pid() + "_" + HexFormat.of().formatHex(r, 0, 2);
        String full = name + "@localhost";
        // erl takes net_ticktime in whole seconds; the Java node's tick rule and this node's ticks must agree.
        long tick = Math.max(1, (tickTime.toMillis() + 999) / 1000);
        // start_pg: kernel's default pg scope, so Java connections' groups (Connection.join) are pg groups here as
        // on a cluster's bridge nodes, and a handler's pg:join/2 works as on a node started with it.
        List<String> cmd = new ArrayList<>(List.of("erl", "-noshell", "-noinput", "-sname", full,
                "-kernel", "inet_dist_use_interface", "{127,0,0,1}", "-kernel", "net_ticktime", Long.toString(tick),
                "-kernel", "start_pg", "true", "-pa", ebin.toString()));
        cmd.addAll(SCHEDULER_FLAGS);
        for (Path p : codePaths) {
            cmd.add("-pa");
            cmd.add(p.toAbsolutePath().toString());
        }
        Path compat = bridgeHome.resolve("compat-ebin");
        cmd.add("-eval");
        cmd.add(bootExpression(compat, owner));
        OwnedTempDir home = privateHome(cookie);
        LocalErlangNode n = new LocalErlangNode(List.copyOf(cmd), home, full, cookie, supervisor);
        log.info("starting local Erlang node {} for Erlang handlers", full);
        n.launch();
        return n;
    }

    /** A directory only this user can enter, with {@code .erlang.cookie} readable by this user only. */
    private static OwnedTempDir privateHome(String cookie) throws IOException {
        OwnedTempDir owned;
        try {
            // Owned: a JVM killed with -9 cannot delete it, so the next start does (OwnedTempDir).
            owned = OwnedTempDir.create(OwnedTempDir.tmp(), "corral-erl-");
        } catch (UnsupportedOperationException e) {
            throw new IOException("the local Erlang node needs a POSIX file system for its private cookie file", e);
        }
        Path file = owned.path().resolve(".erlang.cookie");
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, cookie, StandardCharsets.ISO_8859_1);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        } catch (IOException | RuntimeException e) {
            owned.close();
            throw e;
        }
        return owned;
    }

    private void launch() throws IOException {
        // erl's stdout and stderr (logger's reports: a handler's crash, a supervisor's) go through SLF4J, one line
        // per entry prefixed with the node's name, so they reach the JVM's log labelled instead of being written,
        // unlabelled, into whatever stdout the JVM has (the launcher's, a test runner's channel).
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("HOME", home.path().toString());
        Process p = pb.start();
        Thread.ofPlatform().daemon().name("corral-erl-output").start(() -> forwardOutput(p));
        process = p;
        startedAt = System.nanoTime();
        if (restarter != null) p.onExit().thenRun(() -> exited(p));
    }

    /** Until erl's output ends (the process exited): each line to the log at INFO, as {@code [node] line}. */
    private void forwardOutput(Process p) {
        try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank()) output.info("[{}] {}", nodeName, line);
            }
        } catch (IOException e) {
            log.debug("output of local Erlang node {} ended: {}", nodeName, e.toString());
        }
    }

    private void exited(Process p) {
        if (closed) return;
        restarter.execute(() -> {
            if (closed || p != process) return;
            if (System.nanoTime() - startedAt > STABLE.toNanos()) backoff = FIRST_RESTART;
            Duration wait = backoff;
            backoff = backoff.multipliedBy(2).compareTo(MAX_RESTART) > 0 ? MAX_RESTART : backoff.multipliedBy(2);
            log.warn("local Erlang node {} exited with status {}; restarting it in {} ms", nodeName, p.exitValue(),
                    wait.toMillis());
            restarter.schedule(this::restart, wait.toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    /** On the restarter thread: a new OS process under the same name, then the owner connects to it. */
    private void restart() {
        if (closed) return;
        try {
            launch();
            restarts++;
            awaitRegistered(Duration.ofSeconds(30));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!closed && process.isAlive() && System.nanoTime() < deadline) {
                if (Boolean.TRUE.equals(owner.connect(nodeName).get(30, TimeUnit.SECONDS))) {
                    log.info("local Erlang node {} restarted ({} restarts so far) and connected", nodeName, restarts);
                    return;
                }
                Thread.sleep(100);
            }
            if (process.isAlive()) process.destroyForcibly(); // never joined: its exit schedules the next try
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("local Erlang node {} did not come back: {}", nodeName, e.getMessage());
            Process p = process;
            if (p.isAlive()) p.destroyForcibly(); // a dead process's onExit already scheduled the next try
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Loads the bundled cowboy_req only when the node has no real Cowboy, starts erlang-bridge, and watches the owner:
     * once the Java node has connected, its disconnection halts this node, so nothing lingers (docs/design.md).
     */
    static String bootExpression(Path compat, String owner) {
        return "case code:which(cowboy_req) of non_existing -> code:add_patha(\"" + compat + "\"); _ -> ok end, "
                + "{ok, _} = application:ensure_all_started(corral_bridge), "
                + "Owner = '" + owner + "', "
                // node_type all: the Java node is hidden, and plain monitor_nodes(true) reports visible nodes only.
                + "spawn(fun() -> ok = net_kernel:monitor_nodes(true, [{node_type, all}]), "
                // The owner may have connected before this runs: look first, then wait (at most a minute).
                + "  Up = fun W() -> case lists:member(Owner, nodes(connected)) of true -> ok; false -> "
                + "    receive {nodeup, Owner, _} -> ok; _ -> W() after 60000 -> erlang:halt(1) end end end, Up(), "
                + "  erlang:monitor_node(Owner, true), "
                // Subscribed, every other node's connect and disconnect would queue a nodeup and a nodedown here
                // for ever: unsubscribe, then drop what came in meanwhile.
                + "  ok = net_kernel:monitor_nodes(false, [{node_type, all}]), "
                + "  Flush = fun F() -> receive {nodeup, _, _} -> F(); {nodedown, _, _} -> F() after 0 -> ok end end, "
                + "  Flush(), "
                + "  receive {nodedown, Owner} -> erlang:halt(0) end end).";
    }

    public String nodeName() {
        return nodeName;
    }

    public String cookie() {
        return cookie;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The OS pid of the node's current process. */
    public long pid() {
        return process.pid();
    }

    /** Waits until epmd knows the node (it registers once distribution is up). */
    public void awaitRegistered(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String shortName = nodeName.substring(0, nodeName.indexOf('@'));
        while (System.nanoTime() < deadline) {
            Process process = this.process;
            if (!process.isAlive()) throw new IOException("local Erlang node " + nodeName + " exited with " + process.exitValue());
            try {
                Process names = new ProcessBuilder("epmd", "-names").redirectErrorStream(true).start();
                String out = new String(names.getInputStream().readAllBytes());
                names.waitFor(5, TimeUnit.SECONDS);
                if (out.contains("name " + shortName + " ")) return;
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for " + nodeName, e);
            }
        }
        throw new IOException("local Erlang node " + nodeName + " did not register with epmd within " + timeout.toSeconds() + " s");
    }

    @Override
    public void close() {
        closed = true;
        if (restarter != null) restarter.shutdownNow();
        Process process = this.process;
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        home.close();
    }

    /**
     * erlang-bridge's directory: {@code -Dcorral.home}/erlang-bridge; else an erlang-bridge checkout found from the
     * working directory upwards (a source tree); else the beams this jar carries (an application that embeds
     * Corral from its Maven artifact), unpacked once per JVM into a private temporary directory, removed on exit or,
     * after a kill -9, by the next start ({@link OwnedTempDir}).
     */
    public static Path bridgeHome() {
        String home = System.getProperty("corral.home");
        if (home != null) return Path.of(home, "erlang-bridge");
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("erlang-bridge/src"))) return p.resolve("erlang-bridge");
        }
        Path packaged = PackagedBridge.HOME;
        return packaged != null ? packaged : Path.of("erlang-bridge").toAbsolutePath();
    }

    /** The jar's copy of erlang-bridge's ebin/, compat-ebin/ and examples-ebin/, unpacked on first use. */
    private static final class PackagedBridge {
        static final String ROOT = "io/corral/erlang-bridge";
        static final Path HOME = unpack();

        private static Path unpack() {
            java.net.URL app = LocalErlangNode.class.getClassLoader().getResource(ROOT + "/ebin/corral_bridge.app");
            if (app == null) return null;
            try {
                java.net.URI uri = app.toURI();
                if (uri.getScheme().equals("file")) return Path.of(uri).getParent().getParent(); // target/classes
                // Owned: a JVM killed with -9 cannot delete it, so the next start does (OwnedTempDir).
                OwnedTempDir owned = OwnedTempDir.create(OwnedTempDir.tmp(), "corral-bridge-");
                Path out = owned.path();
                java.nio.file.FileSystem jar;
                boolean opened;
                try {
                    jar = java.nio.file.FileSystems.newFileSystem(uri, java.util.Map.of());
                    opened = true;
                } catch (java.nio.file.FileSystemAlreadyExistsException e) {
                    jar = java.nio.file.FileSystems.getFileSystem(uri);
                    opened = false;
                }
                try (var files = Files.walk(jar.getPath(ROOT))) {
                    Path root = jar.getPath(ROOT);
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        Path to = out.resolve(root.relativize(f).toString());
                        Files.createDirectories(to.getParent());
                        Files.copy(f, to);
                    }
                } finally {
                    if (opened) jar.close();
                }
                Runtime.getRuntime().addShutdownHook(new Thread(owned::close, "corral-bridge-cleanup"));
                log.debug("erlang-bridge unpacked from the jar into {}", out);
                return out;
            } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
                log.warn("cannot unpack erlang-bridge from the jar ({}): {}", app, e.toString());
                return null;
            }
        }
    }
}
