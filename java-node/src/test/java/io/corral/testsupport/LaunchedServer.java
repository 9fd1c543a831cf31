package io.corral.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * {@code corral serve} in a JVM of its own, started as {@code ./corral} starts it ({@code corral_exec} in
 * bin/env.sh: the production JVM flags), so that what a test measures of it (RSS, heap) is the server's alone and
 * not the clients' in the test JVM. Its output (the launcher's log and the lines of the erl node it starts) is kept
 * for the test to read.
 */
public final class LaunchedServer implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("corral: listening on ws://[^:]+:(\\d+)");

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final int port;
    private JMXConnector jmx;

    private LaunchedServer(Process process) throws IOException, InterruptedException {
        this.process = process;
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        int found = -1;
        for (String l; found < 0 && (l = out.readLine()) != null; ) {
            lines.add(l);
            Matcher m = LISTENING.matcher(l);
            if (m.find()) found = Integer.parseInt(m.group(1));
        }
        if (found < 0) {
            process.waitFor(10, TimeUnit.SECONDS);
            throw new IOException("corral serve did not start: " + String.join(" | ", lines));
        }
        port = found;
        Thread.ofVirtual().start(() -> { // keeps its output flowing and readable
            try {
                for (String l; (l = out.readLine()) != null; ) lines.add(l);
            } catch (IOException ignored) {
                // the process is gone
            }
        });
    }

    /**
     * Starts {@code corral serve ARGS} with {@code env} added to the environment, and returns once it listens.
     * The working directory must be java-node/ (as under Maven): the repository is its parent.
     */
    public static LaunchedServer serve(List<String> args, Map<String, String> env)
            throws IOException, InterruptedException {
        Path repo = Path.of("").toAbsolutePath().getParent();
        if (!Files.isRegularFile(repo.resolve("bin/env.sh"))) throw new IOException("no bin/env.sh in " + repo);
        List<String> cmd = new ArrayList<>(List.of("bash", "-c",
                "ROOT=\"$1\"; shift; source \"$ROOT/bin/env.sh\" && corral_setup && corral_exec serve \"$@\"",
                "corral-test", repo.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        return new LaunchedServer(pb.start()); // corral_exec execs java: the process is the JVM itself
    }

    public int port() {
        return port;
    }

    /** The JVM's OS pid. */
    public long pid() {
        return process.pid();
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits up to {@code seconds} for an output line matching {@code p}; returns it, or null. */
    public String awaitLine(Predicate<String> p, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            for (String l : lines) if (p.test(l)) return l;
            if (System.nanoTime() > deadline) return null;
            Thread.sleep(50);
        }
    }

    /** The resident set of process {@code pid} ({@code VmRSS} of /proc/PID/status), in bytes. */
    public static long rssBytes(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
        }
        throw new IOException("no VmRSS in /proc/" + pid + "/status");
    }

    /**
     * The server JVM's platform MBeans, through its management agent started over the Attach API (the way jconsole
     * reaches a local process); the connection is kept until {@link #close}.
     */
    public MBeanServerConnection mbeans() throws IOException {
        if (jmx == null) {
            String url;
            try {
                var vm = com.sun.tools.attach.VirtualMachine.attach(Long.toString(pid()));
                try {
                    url = vm.startLocalManagementAgent();
                } finally {
                    vm.detach();
                }
            } catch (com.sun.tools.attach.AttachNotSupportedException e) {
                throw new IOException("cannot attach to " + pid(), e);
            }
            jmx = JMXConnectorFactory.connect(new JMXServiceURL(url));
        }
        return jmx.getMBeanServerConnection();
    }

    /** SIGTERM (Corral drains, then exits), then SIGKILL if it has not ended within 20 s. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (jmx != null) {
            try {
                jmx.close();
            } catch (IOException ignored) {
                // the server may be gone already
            }
        }
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
}
