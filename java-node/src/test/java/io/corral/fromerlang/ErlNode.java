package io.corral.fromerlang;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.corral.erlang.LocalErlangNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code erl} node running a user's application that starts Corral with {@code corral:start_clear/3} or
 * {@code corral:start_http/4}: erlang-bridge's two applications on its code path, the test applications of
 * src/test/resources/erlang/fromerlang (compiled once into target/fromerlang-ebin), and optionally a real Cowboy.
 * The test drives it through its standard input ({@code corral_test_shell}), so the node need not be distributed.
 */
public final class ErlNode implements AutoCloseable {

    private static Path testBeams;

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> results = new LinkedBlockingQueue<>();
    private final List<String> output = new ArrayList<>();

    private ErlNode(Process process) {
        this.process = process;
        this.stdin = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread.ofPlatform().daemon().name("erl-node-out").start(() -> read(process.getInputStream()));
    }

    /** {@code erl -noshell ERL_ARGS} with {@code codePaths} (a Cowboy's ebins) before the bridge's. */
    public static ErlNode start(List<String> erlArgs, List<Path> codePaths) throws IOException {
        Path bridge = LocalErlangNode.bridgeHome();
        List<String> cmd = new ArrayList<>(List.of("erl", "-noshell"));
        cmd.addAll(erlArgs);
        for (Path p : codePaths) cmd.addAll(List.of("-pa", p.toString()));
        cmd.addAll(List.of("-pa", bridge.resolve("ebin").toString(), "-pa", bridge.resolve("apps/corral/ebin").toString(),
                "-pa", testBeams().toString(), "-s", "corral_test_shell", "start"));
        return new ErlNode(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    private void read(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("<<< ") || line.startsWith("<<! ")) {
                    results.add(line);
                } else {
                    synchronized (output) {
                        output.add(line);
                    }
                    System.out.println("[erl] " + line);
                }
            }
        } catch (IOException ignored) {
            // the node is gone
        }
    }

    /** Evaluates one line of Erlang on the node; returns the value as {@code ~0tp} prints it. */
    public String eval(String expression) throws Exception {
        return eval(expression, Duration.ofSeconds(90));
    }

    public String eval(String expression, Duration timeout) throws Exception {
        results.clear();
        stdin.write(expression.replace('\n', ' ') + "\n");
        stdin.flush();
        String line = results.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) throw new AssertionError("no answer within " + timeout + " to: " + expression + "\n" + log());
        if (line.startsWith("<<! ")) throw new AssertionError("Erlang raised " + line.substring(4) + " evaluating: " + expression);
        return line.substring(4);
    }

    /** Sends a line the node will not answer (it stops). */
    void send(String expression) throws IOException {
        stdin.write(expression + "\n");
        stdin.flush();
    }

    /** The first group of {@code regex} in the value of {@code expression}. */
    public String evalMatch(String expression, String regex) throws Exception {
        String v = eval(expression);
        Matcher m = Pattern.compile(regex).matcher(v);
        if (!m.find()) throw new AssertionError("'" + v + "' (the value of " + expression + ") does not match " + regex);
        return m.group(1);
    }

    public String log() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    Process process() {
        return process;
    }

    /** Kills the node and whatever it left running (a JVM of a listener that outlived it would be a defect). */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        children.forEach(ProcessHandle::destroyForcibly);
    }

    /** The test applications, compiled once. */
    static synchronized Path testBeams() throws IOException {
        if (testBeams != null) return testBeams;
        Path dir = Path.of("target", "fromerlang-ebin").toAbsolutePath();
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of("erlc", "-o", dir.toString()));
        String[] sources = {"corral_test_shell", "chat_app", "chat_h", "chat1_app", "chat1_h", "where_h", "flow_h"};
        for (String s : sources) {
            Path src = dir.resolve(s + ".erl");
            copy("/erlang/fromerlang/" + s + ".erl", src);
            cmd.add(src.toString());
        }
        copy("/erlang/fromerlang/chat.app", dir.resolve("chat.app"));
        copy("/erlang/fromerlang/chat1.app", dir.resolve("chat1.app"));
        try {
            Process erlc = new ProcessBuilder(cmd).inheritIO().start();
            if (erlc.waitFor() != 0) throw new IOException("erlc failed: " + cmd);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        testBeams = dir;
        return dir;
    }

    private static void copy(String resource, Path to) throws IOException {
        try (InputStream in = ErlNode.class.getResourceAsStream(resource)) {
            if (in == null) throw new IOException("missing test resource " + resource);
            Files.copy(in, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The ebin directories of real Cowboy {@code version} (2.17.0 or 1.1.2), built from {@code CORRAL_COWBOY_SRC} or
     * the checkout's ../shared/cowboy with its build.sh into target/cowboy; skips the test (a JUnit assumption
     * naming the path) when those sources are absent.
     */
    static List<Path> cowboy(String version) throws IOException, InterruptedException {
        String env = System.getenv("CORRAL_COWBOY_SRC");
        Path repo = LocalErlangNode.bridgeHome().getParent();
        Path src = env != null && !env.isBlank() ? Path.of(env) : repo.resolve("../shared/cowboy").normalize();
        assumeTrue(Files.isRegularFile(src.resolve("build.sh")),
                "real Cowboy sources not found at " + src + " (set CORRAL_COWBOY_SRC): the test against "
                        + "cowboy_router:compile/1 needs them");
        Path out = Path.of("target", "cowboy").toAbsolutePath();
        synchronized (ErlNode.class) {
            Process p = new ProcessBuilder("bash", src.resolve("build.sh").toString(), out.toString()).inheritIO().start();
            if (p.waitFor() != 0) throw new IOException(src.resolve("build.sh") + " failed");
        }
        List<Path> ebins = new ArrayList<>();
        for (String app : List.of("ranch", "cowlib", "cowboy")) ebins.add(out.resolve(version).resolve(app).resolve("ebin"));
        return ebins;
    }

    /** A port free now, for a listener that must come back on the same port after a restart. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Waits until {@code pid} is gone (reaped or a zombie nobody reaps: either way it runs no more). */
    static boolean awaitGone(long pid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            if (h.isEmpty() || !h.get().isAlive() || isZombie(pid)) return true;
            Thread.sleep(100);
        }
        return false;
    }

    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return true;
        }
    }
}
