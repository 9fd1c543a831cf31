package io.corral.erlang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The placement strategies as pure functions of the live nodes, their loads, the request's key and the turn. */
class PlacementTest {

    private static final List<String> NODES = List.of("a@h", "b@h", "c@h");

    @Test
    void leastConnectionsPicksTheNodeWithFewestLiveConnections() {
        Map<String, Integer> load = Map.of("a@h", 5, "b@h", 2, "c@h", 9);
        for (long turn = 0; turn < 10; turn++) {
            assertEquals("b@h", Placement.DEFAULT.choose(NODES, load::get, null, turn), "b holds the fewest");
        }
    }

    @Test
    void leastConnectionsGoesRoundTheTiedNodesInTurn() {
        Map<String, Integer> load = Map.of("a@h", 1, "b@h", 4, "c@h", 1);
        assertEquals("a@h", Placement.DEFAULT.choose(NODES, load::get, null, 0));
        assertEquals("c@h", Placement.DEFAULT.choose(NODES, load::get, null, 1), "the second tied node on the next turn");
        assertEquals("a@h", Placement.DEFAULT.choose(NODES, load::get, null, 2));
    }

    @Test
    void leastConnectionsSpreadsASequenceOfUpgradesEvenly() {
        Map<String, Integer> load = new HashMap<>(Map.of("a@h", 0, "b@h", 0, "c@h", 0));
        for (long turn = 0; turn < 300; turn++) {
            String n = Placement.DEFAULT.choose(NODES, load::get, null, turn);
            load.merge(n, 1, Integer::sum);
        }
        assertEquals(Map.of("a@h", 100, "b@h", 100, "c@h", 100), load, "each placement goes where the fewest are");
    }

    @Test
    void leastConnectionsDecidesOnOneReadingOfEachLoadWhileCountsMove() {
        // Another upgrade placed or ended between two readings must not leave the choice without a node.
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        java.util.function.ToIntFunction<String> moving = n -> reads.incrementAndGet() <= 3 ? 0 : 5;
        assertEquals("a@h", Placement.DEFAULT.choose(NODES, moving, null, 0), "decided on the first reading");
        assertEquals(3, reads.get(), "each node's load read once");
    }

    @Test
    void roundRobinTakesEachNodeInTurnWhateverItsLoad() {
        Map<String, Integer> load = Map.of("a@h", 100, "b@h", 0, "c@h", 0);
        Placement rr = Placement.parse("round-robin");
        List<String> got = new ArrayList<>();
        for (long turn = 0; turn < 4; turn++) got.add(rr.choose(NODES, load::get, null, turn));
        assertEquals(List.of("a@h", "b@h", "c@h", "a@h"), got);
    }

    @Test
    void aHashSendsTheSameKeyToTheSameNodeWhateverTheLoadOrTurn() {
        Placement h = Placement.parse("hash:header:X-User");
        Map<String, Integer> load = new HashMap<>(Map.of("a@h", 0, "b@h", 0, "c@h", 0));
        String first = h.choose(NODES, load::get, "user-42", 0);
        load.put(first, 1000);
        for (long turn = 1; turn < 20; turn++) assertEquals(first, h.choose(NODES, load::get, "user-42", turn), "sticky");
    }

    @Test
    void aHashMovesOnlyTheKeysOfANodeThatLeaves() {
        Placement h = Placement.parse("hash:binding:room");
        int moved = 0;
        int onC = 0;
        for (int k = 0; k < 3000; k++) {
            String key = "room-" + k;
            String before = h.choose(NODES, n -> 0, key, 0);
            String after = h.choose(List.of("a@h", "b@h"), n -> 0, key, 0);
            if (before.equals("c@h")) onC++;
            else if (!before.equals(after)) moved++;
        }
        assertEquals(0, moved, "keys held by the nodes that stay do not move (rendezvous hashing)");
        assertTrue(onC > 800 && onC < 1200, "about a third of 3000 keys were on c: " + onC);
    }

    @Test
    void aHashWithoutItsKeyPlacesByLeastConnections() {
        Placement h = Placement.parse("hash:header:x-user");
        Map<String, Integer> load = Map.of("a@h", 3, "b@h", 3, "c@h", 0);
        assertEquals("c@h", h.choose(NODES, load::get, null, 7));
    }

    @Test
    void differentKeysSpreadOverTheNodes() {
        Placement h = Placement.parse("hash:header:x-user");
        assertNotEquals(1, java.util.stream.IntStream.range(0, 50)
                .mapToObj(k -> h.choose(NODES, n -> 0, "u" + k, 0)).distinct().count(), "50 keys on one node");
    }

    @Test
    void parseReadsBackEveryLabelAndRefusesOthersNamingWhatIsAccepted() {
        for (String s : List.of("least-connections", "round-robin", "hash:header:x-user", "hash:binding:room")) {
            assertEquals(s, Placement.parse(s).label());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Placement.parse("random"));
        assertTrue(e.getMessage().contains("least-connections, round-robin, hash:header:NAME"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Placement.parse("hash:cookie:x"));
        assertThrows(IllegalArgumentException.class, () -> Placement.parse("hash:header:"));
    }
}
