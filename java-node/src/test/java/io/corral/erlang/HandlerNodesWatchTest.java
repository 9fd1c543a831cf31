package io.corral.erlang;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/**
 * The upgrades waiting for their init on a handler node that goes down are each placed again (PlacedEndpoint hands
 * that to the connection's loop): one whose loop refuses the task, as a loop that is shutting down does, keeps
 * neither the others from it nor throws into the node's event thread.
 */
class HandlerNodesWatchTest {

    @Test
    void everyUpgradeWaitingOnANodeThatWentDownHearsOfItWhenOneOfThemCannot() throws Exception {
        String ghost = ErlangPeer.uniqueName("ghost") + "@localhost";
        try (ErlangNode java = ErlangNode.start(NodeSettings.builder(ErlangPeer.uniqueName("java"))
                .cookie(ErlangPeer.COOKIE).build())) {
            HandlerNodes nodes = new HandlerNodes(java, Map.of(), List.of(ghost), false);
            try {
                nodes.nodeUp(ghost); // as the node's event thread says when it connects
                List<String> ran = new CopyOnWriteArrayList<>();
                for (String who : List.of("a", "b", "c")) {
                    nodes.whileUp(ghost, () -> {
                        ran.add(who);
                        if (who.equals("b")) throw new RejectedExecutionException("event executor terminated");
                    });
                }
                assertEquals(List.of(), ran, "nothing runs while the node is up");
                assertDoesNotThrow(() -> nodes.nodeDown(ghost, "noconnection"), "nothing is thrown into the node's"
                        + " event thread");
                assertEquals(Set.of("a", "b", "c"), Set.copyOf(ran), "each waiter ran, whichever order they ran in");
                assertEquals(3, ran.size(), "once each");
            } finally {
                nodes.close();
            }
        }
    }
}
