package io.corral.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.Corral;
import io.corral.api.Term;
import io.corral.demo.ChatHandler;
import io.corral.wire.WireClient;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Groups from Java: join, leave, send to every member; a connection that ends leaves its groups. */
class GroupsTest {
    private static Corral corral;

    @BeforeAll
    static void start() throws Exception {
        corral = Corral.builder().port(0).route("/chat/:room", new ChatHandler()).start();
    }

    @AfterAll
    static void stop() {
        corral.close();
    }

    private static WireClient member(String room) throws Exception {
        WireClient w = WireClient.connect("127.0.0.1", corral.port(), "/chat/" + room);
        assertEquals(101, w.handshake().status());
        w.setReadTimeout(Duration.ofSeconds(20));
        // websocketInit (the join) has run once the connection answers: the group now counts it.
        w.sendText("/join");
        awaitMembers("chat:" + room, -1);
        return w;
    }

    /** Waits until the group has {@code n} members (n < 0: any), sending nothing to it. */
    private static int awaitMembers(String group, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int size;
        do {
            size = corral.server().context().localGroups().members(
                    new io.corral.connection.LocalGroups.Key("pg", Term.binary(group).raw())).size();
            if (n < 0 ? size > 0 : size == n) return size;
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(group + " has " + size + " members, expected " + n);
    }

    private static String next(WireClient w) throws IOException {
        return w.readFrame().text();
    }

    @Test
    void aTextFromOneMemberReachesEveryMemberOfItsGroupAndNoOther() throws Exception {
        try (WireClient a = member("g1"); WireClient b = member("g1"); WireClient c = member("g1");
             WireClient other = member("g1-other")) {
            awaitMembers("chat:g1", 3);
            a.sendText("hello");
            assertEquals("hello", next(a), "the sender is a member too");
            assertEquals("hello", next(b), "every member gets it");
            assertEquals("hello", next(c), "every member gets it");
            other.sendText("mine");
            assertEquals("mine", next(other), "another group's member got nothing before its own text");
        }
    }

    @Test
    void aMemberThatLeavesGetsNothingMoreAndCanJoinAgain() throws Exception {
        try (WireClient a = member("g2"); WireClient b = member("g2")) {
            awaitMembers("chat:g2", 2);
            b.sendText("/leave");
            awaitMembers("chat:g2", 1);
            a.sendText("after leave");
            assertEquals("after leave", next(a));
            b.sendText("/join");
            awaitMembers("chat:g2", 2);
            a.sendText("after join");
            assertEquals("after join", next(a));
            assertEquals("after join", next(b), "b's first frame is the one sent after it joined again");
        }
    }

    @Test
    void aConnectionThatEndsLeavesItsGroupsAndTheHandleReachesTheRest() throws Exception {
        try (WireClient a = member("g3")) {
            WireClient b = member("g3");
            awaitMembers("chat:g3", 2);
            b.sendClose(1000, "");
            b.readUntilClose();
            b.close();
            awaitMembers("chat:g3", 1);
            assertEquals(1, corral.sendLocal(Term.binary("chat:g3"), Term.tuple(Term.atom("said"), Term.binary("from the app"))),
                    "the group's one remaining member is reached from outside any connection");
            assertEquals("from the app", next(a));
        }
    }

    @Test
    void withTheLocalErlangNodeAJavaGroupIsAPgGroupThere() throws Exception {
        // An Erlang route makes Corral start its local node; the Java handler's join then stands in pg there
        // (its stage fails, and the handler says "join failed", when no bridge node runs the scope).
        java.nio.file.Path examples = io.corral.erlang.LocalErlangNode.bridgeHome().resolve("examples-ebin");
        try (Corral withNode = Corral.builder().port(0).route("/java", new io.corral.erlang.ClusterJavaHandler())
                .erlangRoute("/erl/echo", "demo_echo").codePath(examples).start();
             WireClient a = open(withNode, "/java"); WireClient b = open(withNode, "/java")) {
            for (WireClient c : java.util.List.of(a, b)) {
                c.sendText("join:lobby");
                assertEquals("joined:lobby", next(c), "the pg join completes: the local node runs scope pg");
            }
            assertEquals(1, withNode.node().groups().groupCount(), "one group, with its relay, for both members");
            a.sendText("local:lobby:local send");
            assertEquals("local send", next(a), "sendLocal reaches this JVM's members from the index");
            assertEquals("local send", next(b), "sendLocal reaches this JVM's members from the index");
        }
    }

    @Test
    void twoCorralsInOneJvmEachWithItsOwnErlangNodeReachOnlyTheirOwnMembersWithSendLocal() throws Exception {
        java.nio.file.Path examples = io.corral.erlang.LocalErlangNode.bridgeHome().resolve("examples-ebin");
        try (Corral one = Corral.builder().port(0).route("/java", new io.corral.erlang.ClusterJavaHandler())
                .erlangRoute("/erl/echo", "demo_echo").codePath(examples).start();
             Corral two = Corral.builder().port(0).route("/java", new io.corral.erlang.ClusterJavaHandler())
                .erlangRoute("/erl/echo", "demo_echo").codePath(examples).start();
             WireClient a = open(one, "/java"); WireClient b = open(two, "/java")) {
            assertEquals(false, one.handlerNode().equals(two.handlerNode()), "each Corral has its own local erl node");
            assertEquals(false, one.node() == two.node(), "and its own Java node");
            for (WireClient c : java.util.List.of(a, b)) {
                c.sendText("join:lobby");
                assertEquals("joined:lobby", next(c), "the pg join completes on that Corral's own local node");
            }
            a.sendText("local:lobby:from one");
            assertEquals("from one", next(a), "sendLocal reaches the member of its own Corral");
            // Had b been reached, "from one" was queued on b's event loop before this echo's text even left here.
            b.sendText("echo");
            assertEquals("echo", next(b), "the other Corral's member of the same group name got nothing");
            b.sendText("local:lobby:from two");
            assertEquals("from two", next(b), "and its own sendLocal reaches it");
            a.sendText("echo");
            assertEquals("echo", next(a), "but not the first Corral's member");
            assertEquals(1, one.sendLocal(Term.atom("lobby"), Term.tuple(Term.atom("broadcast"), Term.binary("app one"))),
                    "Corral.sendLocal counts its own member only");
            assertEquals("app one", next(a));
            b.sendText("echo");
            assertEquals("echo", next(b), "Corral.sendLocal of the first reached nothing of the second");
        }
    }

    @Test
    void twoCorralsInOneJvmWithoutErlangNodesKeepTheirGroupsApart() throws Exception {
        try (Corral other = Corral.builder().port(0).route("/chat/:room", new ChatHandler()).start();
             WireClient mine = member("g4");
             WireClient theirs = WireClient.connect("127.0.0.1", other.port(), "/chat/g4")) {
            assertEquals(101, theirs.handshake().status());
            theirs.setReadTimeout(Duration.ofSeconds(20));
            theirs.sendText("/join");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (other.server().context().localGroups().members(
                    new io.corral.connection.LocalGroups.Key("pg", Term.binary("chat:g4").raw())).isEmpty()) {
                if (System.nanoTime() > deadline) throw new AssertionError("the other Corral's member never joined");
                Thread.sleep(20);
            }
            assertEquals(1, awaitMembers("chat:g4", 1), "this Corral's index has its own member only");
            mine.sendText("to mine");
            assertEquals("to mine", next(mine), "the room's member on this Corral gets it");
            theirs.sendText("to theirs");
            assertEquals("to theirs", next(theirs),
                    "the same room on the other Corral got nothing of this one's text before its own");
            assertEquals(1, other.sendLocal(Term.binary("chat:g4"), Term.tuple(Term.atom("said"), Term.binary("app"))),
                    "the other Corral's sendLocal counts its own member only");
            assertEquals("app", next(theirs));
        }
    }

    private static WireClient open(Corral c, String path) throws IOException {
        WireClient w = WireClient.connect("127.0.0.1", c.port(), path);
        assertEquals(101, w.handshake().status());
        w.setReadTimeout(Duration.ofSeconds(20));
        if (path.equals("/java")) next(w); // its greeting names the JVM
        return w;
    }
}
