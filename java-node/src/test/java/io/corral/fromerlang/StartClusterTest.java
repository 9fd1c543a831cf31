package io.corral.fromerlang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.erlang.LocalErlangNode;
import io.corral.wire.WireClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code corral:start_clear/3} given where its Erlang handlers run ({@code erlang_nodes}, {@code discovery},
 * {@code placement} in the protocol options, docs/cluster.md): a distributed owner node and a second erlang-bridge
 * node it starts with OTP's {@code peer}, both running {@code where_h} (its first frame names its node).
 */
class StartClusterTest {

    static ErlNode owner;
    static String ownerName;
    static String peerName;

    @BeforeAll
    static void startNodes() throws Exception {
        String suffix = Long.toString(ProcessHandle.current().pid());
        owner = ErlNode.start(List.of("-sname", "scowner_" + suffix, "-setcookie", "start_cluster_test"), List.of());
        ownerName = unquote(owner.eval("node()."));
        var bridge = LocalErlangNode.bridgeHome();
        String args = String.join(", ", List.of(quoted("-setcookie"), quoted("start_cluster_test"), quoted("-pa"),
                quoted(bridge.resolve("ebin").toString()), quoted("-pa"), quoted(bridge.resolve("compat-ebin").toString()),
                quoted("-pa"), quoted(ErlNode.testBeams().toString())));
        peerName = unquote(owner.eval("begin {ok, _, N} = peer:start_link(#{name => 'scpeer_" + suffix + "', args => ["
                + args + "]}), {ok, _} = erpc:call(N, application, ensure_all_started, [corral_bridge]), N end."));
        // The owner runs erlang-bridge too (the corral application starts it), so pg sees both bridge nodes.
        owner.eval("{ok, _} = application:ensure_all_started(corral).");
    }

    @AfterAll
    static void stopNodes() throws Exception {
        if (owner != null) owner.close();
    }

    /** Starts listener {@code name} serving /where with {@code extra} protocol options; returns its port. */
    static int start(String name, String extra) throws Exception {
        String started = owner.eval("corral:start_clear(" + name + ", [{port, 0}, {ip, {127, 0, 0, 1}}], #{env => #{dispatch => "
                + "corral_router:compile([{'_', [{\"/where\", where_h, []}]}])}" + extra + "}).");
        assertTrue(started.startsWith("{ok,"), "the listener starts: " + started + "\n" + owner.log());
        return Integer.parseInt(owner.eval("corral:get_port(" + name + ")."));
    }

    /** Opens {@code n} connections and keeps them open (so least connections sees them); the node of each. */
    static List<String> open(int port, int n, List<WireClient> keep) throws IOException {
        List<String> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            WireClient c = WireClient.connect("127.0.0.1", port, "/where");
            keep.add(c);
            assertEquals(101, c.handshake().status(), "every upgrade is served");
            c.setReadTimeout(Duration.ofSeconds(20));
            nodes.add(c.readFrame().text());
        }
        return nodes;
    }

    static Map<String, Integer> count(List<String> nodes) {
        Map<String, Integer> m = new HashMap<>();
        for (String n : nodes) m.merge(n, 1, Integer::sum);
        return m;
    }

    @Test
    void erlangNodesAndRoundRobinSpreadTheHandlersOverTheOwnerAndTheOtherNodeInTurn() throws Exception {
        int port = start("rr", ", erlang_nodes => [node(), '" + peerName + "'], placement => round_robin");
        List<WireClient> keep = new ArrayList<>();
        try {
            Map<String, Integer> per = count(open(port, 6, keep));
            assertEquals(Map.of(ownerName, 3, peerName, 3), per, "round robin gives each of the two nodes every other upgrade");
        } finally {
            for (WireClient c : keep) c.close();
            assertEquals("ok", owner.eval("corral:stop_listener(rr)."));
        }
    }

    @Test
    void erlangNodesWithoutTheOwnerRunEveryHandlerOnTheNodesNamed() throws Exception {
        int port = start("elsewhere", ", erlang_nodes => ['" + peerName + "']");
        List<WireClient> keep = new ArrayList<>();
        try {
            assertEquals(Map.of(peerName, 4), count(open(port, 4, keep)), "only the node named runs the handlers");
        } finally {
            for (WireClient c : keep) c.close();
            assertEquals("ok", owner.eval("corral:stop_listener(elsewhere)."));
        }
    }

    @Test
    void withoutDiscoveryTheHandlersStayOnTheOwnerThoughAnotherBridgeNodeIsInThePgGroup() throws Exception {
        assertEquals("true", owner.eval("lists:member('" + peerName + "', [node(P) || P <- "
                + "pg:get_members(corral_cluster, corral_bridge)])."), "the peer's bridge is in the pg group");
        int port = start("local", ", placement => round_robin");
        List<WireClient> keep = new ArrayList<>();
        try {
            assertEquals(Map.of(ownerName, 4), count(open(port, 4, keep)),
                    "the handlers run beside the application, as under Cowboy, unless asked otherwise");
        } finally {
            for (WireClient c : keep) c.close();
            assertEquals("ok", owner.eval("corral:stop_listener(local)."));
        }
    }

    @Test
    void discoveryAddsTheBridgeNodesOfThePgGroupToTheOwner() throws Exception {
        int port = start("discover", ", discovery => true");
        List<WireClient> keep = new ArrayList<>();
        try {
            // The JVM learns of the peer from the owner's bridge after the start: least connections places on it
            // once it is known, since every connection so far is on the owner.
            Set<String> seen = new TreeSet<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!seen.contains(peerName)) {
                assertTrue(System.nanoTime() < deadline, "the discovered node serves within 30 s; seen " + seen);
                seen.addAll(open(port, 1, keep));
                if (!seen.contains(peerName)) Thread.sleep(100);
            }
            assertTrue(seen.contains(ownerName) || keep.size() == 1, "the owner serves too: " + seen);
        } finally {
            for (WireClient c : keep) c.close();
            assertEquals("ok", owner.eval("corral:stop_listener(discover)."));
        }
    }

    @Test
    void badClusterOptionsAreRefusedNamingTheOption() throws Exception {
        String d = "#{env => #{dispatch => corral_router:compile([{'_', [{\"/where\", where_h, []}]}])}";
        assertEquals("{error,{bad_option,{erlang_nodes,[]}}}",
                owner.eval("corral:start_clear(bad, [{port, 0}], " + d + ", erlang_nodes => []})."));
        assertEquals("{error,{bad_option,{placement,sideways}}}",
                owner.eval("corral:start_clear(bad, [{port, 0}], " + d + ", placement => sideways})."));
        assertEquals("{error,{bad_option,{discovery,yes}}}",
                owner.eval("corral:start_clear(bad, [{port, 0}], " + d + ", discovery => yes})."));
    }

    static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static String unquote(String atom) {
        return atom.startsWith("'") ? atom.substring(1, atom.length() - 1) : atom;
    }
}
