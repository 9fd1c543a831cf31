package io.corral.erlang;

import io.corral.api.Request;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Which handler node an upgrade goes to: a pure choice among the live nodes that can run the route's module, given
 * how many connections each holds from this JVM. {@link PlacedEndpoint} asks it once per upgrade; it does no I/O and
 * keeps no state (round-robin's turn is the caller's counter).
 */
public sealed interface Placement {

    /**
     * @param candidates the nodes that can serve, non-empty, in a stable order (sorted by name)
     * @param load live connections this JVM has placed on a node
     * @param key the request's hash key ({@link #key}), or null
     * @param turn a counter the caller increments per upgrade (round-robin's position, the tie-breaker of the others)
     */
    String choose(List<String> candidates, ToIntFunction<String> load, String key, long turn);

    /** The value the strategy hashes, or null when it hashes nothing or the request lacks it. */
    default String key(Request request) {
        return null;
    }

    /** The label {@link #parse} reads back, as {@code --placement} and {@code --help} spell it. */
    String label();

    /** The default: the node with the fewest live connections; ties go round the tied nodes in turn. */
    record LeastConnections() implements Placement {
        @Override
        public String choose(List<String> candidates, ToIntFunction<String> load, String key, long turn) {
            // Each load is read once: counts move under concurrent upgrades, and the choice must be made on one view.
            int[] loads = new int[candidates.size()];
            int min = Integer.MAX_VALUE;
            int ties = 0;
            for (int i = 0; i < loads.length; i++) {
                loads[i] = load.applyAsInt(candidates.get(i));
                if (loads[i] < min) {
                    min = loads[i];
                    ties = 1;
                } else if (loads[i] == min) {
                    ties++;
                }
            }
            int pick = (int) Math.floorMod(turn, (long) ties);
            for (int i = 0; i < loads.length; i++) {
                if (loads[i] == min && pick-- == 0) return candidates.get(i);
            }
            throw new IllegalStateException("unreachable: " + ties + " nodes hold the minimum " + min);
        }

        @Override
        public String label() {
            return "least-connections";
        }
    }

    /** Each node in turn, whatever its load. */
    record RoundRobin() implements Placement {
        @Override
        public String choose(List<String> candidates, ToIntFunction<String> load, String key, long turn) {
            return candidates.get((int) Math.floorMod(turn, (long) candidates.size()));
        }

        @Override
        public String label() {
            return "round-robin";
        }
    }

    /**
     * Sticky sessions: requests with the same header or binding value go to the same node while it lives.
     * Rendezvous hashing (highest random weight): each node scores {@code hash(node, key)} and the highest wins, so
     * when a node leaves only the keys it held move, and when one joins it takes about 1/N of the keys. A request
     * without the value is placed by least connections.
     */
    record Hash(Source source, String name) implements Placement {
        public enum Source { HEADER, BINDING }

        public Hash {
            name = source == Source.HEADER ? name.toLowerCase(Locale.ROOT) : name;
        }

        @Override
        public String key(Request request) {
            if (source == Source.HEADER) return request.header(name);
            Map<String, String> b = request.bindings();
            return b == null ? null : b.get(name);
        }

        @Override
        public String choose(List<String> candidates, ToIntFunction<String> load, String key, long turn) {
            if (key == null) return new LeastConnections().choose(candidates, load, null, turn);
            String best = null;
            long bestScore = 0;
            for (String n : candidates) {
                long s = score(n, key);
                if (best == null || Long.compareUnsigned(s, bestScore) > 0) {
                    best = n;
                    bestScore = s;
                }
            }
            return best;
        }

        /** FNV-1a 64 over node, a separator and key, then SplitMix64's finalizer so near keys score far apart. */
        static long score(String node, String key) {
            long h = 0xcbf29ce484222325L;
            for (byte b : (node + "\u0000" + key).getBytes(StandardCharsets.UTF_8)) {
                h ^= b & 0xff;
                h *= 0x100000001b3L;
            }
            h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
            h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
            return h ^ (h >>> 31);
        }

        @Override
        public String label() {
            return "hash:" + source.name().toLowerCase(Locale.ROOT) + ":" + name;
        }
    }

    Placement DEFAULT = new LeastConnections();

    /**
     * {@code least-connections}, {@code round-robin}, {@code hash:header:NAME} or {@code hash:binding:NAME}.
     *
     * @throws IllegalArgumentException naming what is accepted
     */
    static Placement parse(String spec) {
        String s = spec.trim();
        if (s.equals("least-connections")) return new LeastConnections();
        if (s.equals("round-robin")) return new RoundRobin();
        String[] p = s.split(":", 3);
        if (p.length == 3 && p[0].equals("hash") && !p[2].isEmpty()) {
            if (p[1].equals("header")) return new Hash(Hash.Source.HEADER, p[2]);
            if (p[1].equals("binding")) return new Hash(Hash.Source.BINDING, p[2]);
        }
        throw new IllegalArgumentException("--placement must be least-connections, round-robin, hash:header:NAME or "
                + "hash:binding:NAME, got " + spec);
    }
}
