package io.corral.engine;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Where test handlers write what their callbacks saw, keyed by the {@code id} query parameter of the connection,
 * so a test can assert on the handler's side (terminate reasons, frames received) as well as on the wire.
 */
public final class Recorder {
    private static final Map<String, BlockingQueue<String>> EVENTS = new ConcurrentHashMap<>();

    private Recorder() {}

    public static void record(String id, String event) {
        if (id != null) queue(id).add(event);
    }

    private static BlockingQueue<String> queue(String id) {
        return EVENTS.computeIfAbsent(id, k -> new LinkedBlockingQueue<>());
    }

    /** Waits for the next event of {@code id} that starts with {@code prefix}, skipping others; fails after 10 s. */
    public static String await(String id, String prefix) {
        return await(id, prefix, Duration.ofSeconds(10));
    }

    public static String await(String id, String prefix, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (;;) {
                long left = deadline - System.nanoTime();
                String e = left > 0 ? queue(id).poll(left, TimeUnit.NANOSECONDS) : null;
                if (e == null) throw new AssertionError("no event starting with '" + prefix + "' for connection " + id);
                if (e.startsWith(prefix)) return e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Whether an event of {@code id} starting with {@code prefix} has been recorded (and not yet awaited). */
    public static boolean seen(String id, String prefix) {
        return queue(id).stream().anyMatch(e -> e.startsWith(prefix));
    }

    /** The next event of {@code id}, or null if none comes within {@code timeout}. */
    public static String poll(String id, Duration timeout) {
        try {
            return queue(id).poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
