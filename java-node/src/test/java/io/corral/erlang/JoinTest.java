package io.corral.erlang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Joining: {@code net_adm:ping/1} from fresh nodes to the Java node, and what connects and disconnects leave behind
 * on the local Erlang node Corral starts.
 */
class JoinTest {

    private static final int NODES = 100;
    private static final int PER_PROCESS = 25;

    /**
     * Runs {@code expr} in a plain {@code erl} without distribution and returns what it prints. {@code expr} starts
     * and stops distribution itself: every {@code net_kernel:start/1} is a new node (its own name, a new creation
     * from epmd) and its first ping a new connection, so one OS process makes many fresh nodes in well under a
     * second instead of booting erts for each.
     */
    private static String erl(String expr) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("erl", "-noshell", "-eval", expr + ", halt().").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "erl finished");
        return out.strip();
    }

    @Test
    void aHundredFreshNodesInARowAllGetPongFromNetAdmPing() throws Exception {
        Set<String> connected = ConcurrentHashMap.newKeySet();
        try (ErlangNode java = ErlangNode.start(NodeSettings.builder(ErlangPeer.uniqueName("join"))
                .cookie(ErlangPeer.COOKIE).build())) {
            java.addNodeListener(new NodeListener() {
                @Override
                public void nodeUp(String node) {
                    connected.add(node);
                }
            });
            String prefix = ErlangPeer.uniqueName("fresh") + "_";
            StringBuilder results = new StringBuilder();
            for (int first = 1; first <= NODES; first += PER_PROCESS) {
                results.append(erl("R = [begin "
                        + "{ok, _} = net_kernel:start([list_to_atom(\"" + prefix + "\" ++ integer_to_list(I)), shortnames]), "
                        + "true = erlang:set_cookie(node(), '" + ErlangPeer.COOKIE + "'), "
                        + "P = net_adm:ping('" + java.name() + "'), "
                        + "ok = net_kernel:stop(), P end || I <- lists:seq(" + first + ", " + (first + PER_PROCESS - 1) + ")], "
                        + "io:format(\"~w\", [R])"));
            }
            String all = results.toString();
            long pongs = all.split("pong", -1).length - 1L;
            assertEquals(NODES, pongs, "every fresh node got pong (pang is what a lost race with the ping's monitor gave): " + all);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (connected.size() < NODES && System.nanoTime() < deadline) Thread.sleep(50);
            assertEquals(NODES, connected.size(), "each ping was a connection of its own node: " + connected);
        }
    }

    @Test
    void netAdmPingFromAnErlSnameNodeGetsPongEveryTime() throws Exception {
        // The plain way an operator tries it, one erts per attempt: a few of them, as the suite has to stay quick.
        try (ErlangNode java = ErlangNode.start(NodeSettings.builder(ErlangPeer.uniqueName("join"))
                .cookie(ErlangPeer.COOKIE).build())) {
            for (int i = 0; i < 5; i++) {
                Process p = new ProcessBuilder("erl", "-noshell", "-sname", ErlangPeer.uniqueName("pinger"),
                        "-setcookie", ErlangPeer.COOKIE, "-eval",
                        "io:format(\"~w\", [net_adm:ping('" + java.name() + "')]), halt().")
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "erl finished");
                assertEquals("pong", out, "attempt " + i);
            }
        }
    }

    @Test
    void nodesConnectingAndLeavingTheLocalErlangNodeLeaveNoMessagesQueuedThere() throws Exception {
        String cookie = LocalErlangNode.randomCookie();
        try (ErlangNode java = ErlangNode.start(NodeSettings.builder(ErlangPeer.uniqueName("owner"))
                .cookie(cookie).build());
             LocalErlangNode local = LocalErlangNode.start(LocalErlangNode.bridgeHome(), List.of(), java.name(), cookie)) {
            local.awaitRegistered(Duration.ofSeconds(30));
            assertTrue(java.connect(local.nodeName()).get(30, TimeUnit.SECONDS), "the owner connected");
            String prefix = ErlangPeer.uniqueName("visitor") + "_";
            // 25 nodes connect to the local node and leave; then look at every mailbox there for node events.
            String out = erl("[begin "
                    + "{ok, _} = net_kernel:start([list_to_atom(\"" + prefix + "\" ++ integer_to_list(I)), shortnames]), "
                    + "true = erlang:set_cookie(node(), '" + cookie + "'), "
                    + "pong = net_adm:ping('" + local.nodeName() + "'), "
                    + "ok = net_kernel:stop() end || I <- lists:seq(1, 25)], "
                    + "{ok, _} = net_kernel:start([list_to_atom(\"" + prefix + "look\"), shortnames]), "
                    + "true = erlang:set_cookie(node(), '" + cookie + "'), "
                    + "timer:sleep(500), "
                    + "Held = rpc:call('" + local.nodeName() + "', erlang, apply, [fun() -> "
                    + "  [{P, length(Ms)} || P <- processes(), {messages, Ms} <- [process_info(P, messages)], "
                    + "   lists:any(fun({nodeup, _, _}) -> true; ({nodedown, _, _}) -> true; (_) -> false end, Ms)] "
                    + "end, []]), "
                    + "io:format(\"~w\", [Held])");
            assertEquals("[]", out, "no process on the local node keeps nodeup/nodedown messages it never reads");
            assertTrue(local.isAlive(), "the local node still runs");
        }
    }
}
