package io.corral.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A process the benchmarks start (a server, the load tool, the scale client, an erl driver): its output read line by
 * line on a virtual thread, the last lines kept for error messages, stdin for commands.
 */
final class ChildProcess {
    final Process process;
    final String name;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Deque<String> tail = new ArrayDeque<>();
    private final Writer stdin;
    private static final String EOF = new String("EOF");

    private ChildProcess(Process p, String name) {
        this.process = p;
        this.name = name;
        this.stdin = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    if (l.startsWith("WARNING:")) continue; // the JDK's native-access notices
                    synchronized (tail) {
                        tail.addLast(l);
                        if (tail.size() > 15) tail.removeFirst();
                    }
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // the process went away
            }
            lines.add(EOF);
        });
    }

    static ChildProcess start(List<String> cmd, Path dir) throws IOException {
        String name = cmd.stream().filter(s -> s.startsWith("io.corral") || s.equals("erl")).findFirst().orElse(cmd.getFirst());
        return new ChildProcess(new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start(), name);
    }

    void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /** The next line, or null at end of output or at the deadline. */
    String nextLine(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) return null;
        String l = lines.poll(left, TimeUnit.NANOSECONDS);
        return l == null || l == EOF ? null : l;
    }

    /** Waits for a matching line; returns null when seen, else why not (exit, timeout) with the last output. */
    String awaitLine(Predicate<String> p, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String l;
        while ((l = nextLine(deadline)) != null) {
            if (p.test(l)) return null;
        }
        String last = String.join(" | ", tail());
        process.waitFor(2, TimeUnit.SECONDS); // the output ends a moment before the process is reaped
        return process.isAlive() ? "no matching line after " + seconds + " s: " + last : "exited: " + last;
    }

    /** The first line matching {@code p} within {@code seconds}; throws with the process's last output if none. */
    String await(Predicate<String> p, int seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long left = deadline - System.nanoTime();
            String l = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (l == null || l == EOF) {
                throw new IllegalStateException(what + ": " + (l == EOF ? name + " exited" : "nothing after "
                        + seconds + " s") + "; last output of " + name + ": " + String.join(" | ", tail()));
            }
            if (p.test(l)) return l;
        }
    }

    List<String> tail() {
        synchronized (tail) {
            return List.copyOf(tail);
        }
    }

    /** Terminates the process now (SIGTERM, then SIGKILL after 5 s). */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }

    /** Closes its stdin (a driver reading commands ends by itself), then stops it if it has not within 3 s. */
    void closeAndStop() throws InterruptedException {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already gone
        }
        if (process.waitFor(3, TimeUnit.SECONDS)) return;
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
}
