package io.corral.erlang;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: an {@code erl} node that Corral starts itself for Erlang handler modules, bound to loopback,
 * with its own random cookie, erlang-bridge loaded and the user's {@code --pa} directories on its code path. It
 * halts when the Java node that owns it goes away, and Corral destroys it on exit.
 */
public final class LocalErlangNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalErlangNode.class);

    private final Process process;
    private final String nodeName;
    private final String cookie;

    private LocalErlangNode(Process process, String nodeName, String cookie) {
        this.process = process;
        this.nodeName = nodeName;
        this.cookie = cookie;
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
     * Starts {@code erl -sname corral_handlers_N@localhost}. {@code owner} is the Java node's full name: the Erlang
     * node halts when its connection to the owner drops after having been up.
     */
    public static LocalErlangNode start(Path bridgeHome, List<Path> codePaths, String owner, String cookie)
            throws IOException {
        Path ebin = bridgeHome.resolve("ebin");
        if (!Files.isRegularFile(ebin.resolve("corral_bridge.app"))) {
            throw new IOException("erlang-bridge is not built: " + ebin + "/corral_bridge.app is missing (run ./corral build)");
        }
        byte[] r = new byte[12];
        new SecureRandom().nextBytes(r);
        String name = "corral_handlers_" + ProcessHandle.current().pid() + "_" + HexFormat.of().formatHex(r, 0, 2);
        String full = name + "@localhost";
        List<String> cmd = new ArrayList<>(List.of("erl", "-noshell", "-noinput", "-sname", full, "-setcookie", cookie,
                "-kernel", "inet_dist_use_interface", "{127,0,0,1}", "-pa", ebin.toString()));
        cmd.addAll(SCHEDULER_FLAGS);
        for (Path p : codePaths) {
            cmd.add("-pa");
            cmd.add(p.toAbsolutePath().toString());
        }
        Path compat = bridgeHome.resolve("compat-ebin");
        cmd.add("-eval");
        cmd.add(bootExpression(compat, owner));
        log.info("starting local Erlang node {} for Erlang handlers", full);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        return new LocalErlangNode(p, full, cookie);
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

    /** Waits until epmd knows the node (it registers once distribution is up). */
    public void awaitRegistered(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String shortName = nodeName.substring(0, nodeName.indexOf('@'));
        while (System.nanoTime() < deadline) {
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
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** erlang-bridge's directory: {@code -Dcorral.home}/erlang-bridge, or found from the working directory upwards. */
    public static Path bridgeHome() {
        String home = System.getProperty("corral.home");
        if (home != null) return Path.of(home, "erlang-bridge");
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("erlang-bridge/src"))) return p.resolve("erlang-bridge");
        }
        return Path.of("erlang-bridge").toAbsolutePath();
    }
}
