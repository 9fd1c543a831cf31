package io.corral.compat.handlers;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The Java twin of {@code compat_recorder}: what the Java compat handlers' callbacks saw, keyed by the connection's
 * {@code ?id=}. Read back on the wire through {@link CompatLog} / {@link CompatLog1}, never by the runner directly,
 * so the same client works against a Cowboy that serves the Erlang modules.
 */
public final class CompatRecorder {
    private static final Map<String, List<String>> EVENTS = new ConcurrentHashMap<>();

    private CompatRecorder() {}

    public static void record(String id, String event) {
        if (id != null) EVENTS.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(event);
    }

    public static List<String> events(String id) {
        return id == null ? List.of() : List.copyOf(EVENTS.getOrDefault(id, List.of()));
    }
}
