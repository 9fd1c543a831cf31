package io.corral.erlang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangAtom;
import io.corral.api.Term;
import io.corral.connection.ProcessBinding;
import io.corral.erlang.ErlangPeer.QueueSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The hidden node against a real {@code erl} node. */
class ErlangNodeTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static ErlangNode java;
    private static ErlangPeer erl;

    @BeforeAll
    static void start() throws Exception {
        java = ErlangNode.start(NodeSettings.builder(ErlangPeer.uniqueName("java")).cookie(ErlangPeer.COOKIE).build());
        erl = ErlangPeer.start("erl");
        erl.awaitReady(java);
    }

    @AfterAll
    static void stop() throws Exception {
        if (erl != null) erl.close();
        if (java != null) java.close();
    }

    private static Term pidArg(ProcessBinding b) {
        return Term.pid(b.pid());
    }

    @Test
    void erlangSendsToABindingsPidAndTheSinkReceivesEveryMessageInOrder() throws Exception {
        QueueSink sink = new QueueSink();
        ProcessBinding b = java.bind(sink);
        int n = 20_000;
        erl.eval(java, "[P] = Args, [P ! {n, I} || I <- lists:seq(1, " + n + ")], ok.", pidArg(b));
        for (int i = 1; i <= n; i++) {
            Term m = sink.next(WAIT);
            assertNotNull(m, "message " + i + " of " + n + " arrived");
            assertEquals(i, m.element(1).longValue(), "messages arrive in the order they were sent");
        }
        b.exit(ErlangNode.NORMAL);
    }

    @Test
    void aJInterfaceMailboxGetsItsMessagesIntactThoughPacketsAreReadIntoOneReusedArray() throws Exception {
        // Packets are read into one array per connection, reused for the next; a JInterface mailbox decodes its
        // messages only when they are taken, long after, so what reaches one must have been copied out of it.
        com.ericsson.otp.erlang.OtpMbox named = java.otpNode().createMbox("plain_box");
        com.ericsson.otp.erlang.OtpMbox byPid = java.otpNode().createMbox();
        int n = 500;
        try {
            erl.eval(java, "[J, P] = Args, [begin {plain_box, J} ! {I, binary:copy(<<I:16>>, I)}, "
                    + "P ! {pid, I, binary:copy(<<I:16>>, 1000 - I)} end || I <- lists:seq(1, " + n + ")], ok.",
                    Term.atom(java.name()), Term.pid(byPid.self()));
            for (int i = 1; i <= n; i++) {
                byte[] one = {(byte) (i >> 8), (byte) i};
                Term m = Term.of(named.receive(WAIT.toMillis()));
                assertEquals(Term.tuple(Term.integer(i), Term.binary(repeat(one, i))), m,
                        "message " + i + " to the registered mailbox, as sent");
                Term p = Term.of(byPid.receive(WAIT.toMillis()));
                assertEquals(Term.tuple(Term.atom("pid"), Term.integer(i), Term.binary(repeat(one, 1000 - i))), p,
                        "message " + i + " to the mailbox's pid, as sent");
            }
        } finally {
            named.close();
            byPid.close();
        }
    }

    private static byte[] repeat(byte[] b, int times) {
        byte[] out = new byte[b.length * times];
        for (int i = 0; i < times; i++) System.arraycopy(b, 0, out, i * b.length, b.length);
        return out;
    }

    @Test
    void javaSendsToAnErlangRegisteredProcess() throws Exception {
        // A registered collector on the Erlang side forwards what it gets back to us.
        QueueSink sink = new QueueSink();
        ProcessBinding b = java.bind(sink);
        erl.eval(java, "[P] = Args, register(fwd, spawn(fun F() -> receive M -> P ! {got, M}, F() end end)), ok.",
                pidArg(b));
        for (int i = 0; i < 100; i++) b.send("fwd", erl.name, Term.integer(i).raw());
        for (int i = 0; i < 100; i++) {
            Term m = sink.next(WAIT);
            assertNotNull(m, "the registered process forwarded message " + i);
            assertEquals(Term.tuple(Term.atom("got"), Term.integer(i)), m, "in order");
        }
        java.send("fwd", erl.name, Term.atom("from_node"));
        assertEquals(Term.tuple(Term.atom("got"), Term.atom("from_node")), sink.next(WAIT),
                "a send made by the node itself arrives too");
        b.exit(ErlangNode.NORMAL);
    }

    @Test
    void aLinkFromJavaCarriesTheBindingsExitReasonToErlang() throws Exception {
        QueueSink sink = new QueueSink();
        ProcessBinding b = java.bind(sink);
        // A trapping Erlang process that reports exit signals to a second binding.
        QueueSink reports = new QueueSink();
        ProcessBinding observer = java.bind(reports);
        Term watcher = erl.eval(java, "[O] = Args, spawn(fun() -> process_flag(trap_exit, true), O ! ready,"
                + " receive {'EXIT', From, R} -> O ! {exit, From, R} end end).", pidArg(observer));
        assertEquals(Term.atom("ready"), reports.next(WAIT));
        b.link(watcher.pidValue());
        b.exit(Term.tuple(Term.atom("shutdown"), Term.atom("bye")).raw());
        Term report = reports.next(WAIT);
        assertEquals(Term.tuple(Term.atom("exit"), Term.pid(b.pid()), Term.tuple(Term.atom("shutdown"),
                Term.atom("bye"))), report, "the linked process got the exit signal with the binding's reason");
        observer.exit(ErlangNode.NORMAL);
    }

    @Test
    void anErlangProcessDyingDeliversAnExitSignalToALinkedBinding() throws Exception {
        QueueSink sink = new QueueSink();
        ProcessBinding b = java.bind(sink);
        Term victim = erl.eval(java, "spawn(fun() -> receive die -> exit(crashed) end end).");
        b.link(victim.pidValue());
        // the link is set up by the per-node writer; a send afterwards travels the same ordered queue
        b.send(victim.pidValue(), new OtpErlangAtom("die"));
        Term exit = sink.nextExit(WAIT);
        assertEquals(Term.tuple(victim, Term.atom("crashed")), exit, "the binding's sink got {From, Reason}");
        b.exit(ErlangNode.NORMAL);
    }

    @Test
    void anErlangProcessLinkingToTheConnectionPidDiesWithItsReasonButNotWithNormal() throws Exception {
        QueueSink reports = new QueueSink();
        ProcessBinding observer = java.bind(reports);
        ProcessBinding crashing = java.bind(new QueueSink());
        ProcessBinding normal = java.bind(new QueueSink());
        String linker = "[Conn, O] = Args, Pid = spawn(fun() -> link(Conn), O ! {linked, self()},"
                + " receive stop -> ok end end), erlang:monitor(process, Pid),"
                + " spawn(fun() -> Ref = erlang:monitor(process, Pid), receive {'DOWN', Ref, _, _, R} -> O ! {down, Pid, R}"
                + " after 3000 -> O ! {alive, Pid} end end), Pid.";
        Term p1 = erl.eval(java, linker, pidArg(crashing), pidArg(observer));
        assertEquals(Term.tuple(Term.atom("linked"), p1), reports.next(WAIT));
        Term p2 = erl.eval(java, linker, pidArg(normal), pidArg(observer));
        assertEquals(Term.tuple(Term.atom("linked"), p2), reports.next(WAIT));

        crashing.exit(Term.atom("kaboom").raw());
        normal.exit(ErlangNode.NORMAL);
        List<Term> outcomes = List.of(reports.next(WAIT), reports.next(WAIT));
        assertTrue(outcomes.contains(Term.tuple(Term.atom("down"), p1, Term.atom("kaboom"))),
                "a process linked (from Erlang) to a binding that exits with kaboom dies with kaboom: " + outcomes);
        assertTrue(outcomes.contains(Term.tuple(Term.atom("alive"), p2)),
                "a normal exit does not kill a non-trapping linked process: " + outcomes);
        observer.exit(ErlangNode.NORMAL);
    }

    @Test
    void anUnlinkedBindingDoesNotTakeTheErlangProcessDown() throws Exception {
        QueueSink reports = new QueueSink();
        ProcessBinding observer = java.bind(reports);
        ProcessBinding b = java.bind(new QueueSink());
        Term p = erl.eval(java, "[O] = Args, spawn(fun() -> process_flag(trap_exit, true),"
                + " receive {'EXIT', F, R} -> O ! {exit, F, R} after 2000 -> O ! quiet end end).", pidArg(observer));
        b.link(p.pidValue());
        b.unlink(p.pidValue());
        b.exit(Term.atom("kaboom").raw());
        assertEquals(Term.atom("quiet"), reports.next(WAIT), "no exit signal after unlink");
        observer.exit(ErlangNode.NORMAL);
    }

    @Test
    void aBindingWithSeveralLinksSignalsEachOneStillLinkedWhenItExits() throws Exception {
        // A binding keeps its first link in a field and the others in a set: unlinking the first must leave the
        // others, and the exit must reach every one still linked.
        QueueSink reports = new QueueSink();
        ProcessBinding observer = java.bind(reports);
        ProcessBinding b = java.bind(new QueueSink());
        // The eval returns only once the process traps exits: an exit signal that reached it before
        // process_flag(trap_exit, true) ran would kill it silently, and no report would come.
        String trapper = "[O, Tag] = Args, Self = self(), P = spawn(fun() -> process_flag(trap_exit, true),"
                + " Self ! {trapping, self()},"
                + " receive {'EXIT', _, R} -> O ! {Tag, exit, R} after 3000 -> O ! {Tag, quiet} end end),"
                + " receive {trapping, P} -> P end.";
        Term p1 = erl.eval(java, trapper, pidArg(observer), Term.atom("p1"));
        Term p2 = erl.eval(java, trapper, pidArg(observer), Term.atom("p2"));
        Term p3 = erl.eval(java, trapper, pidArg(observer), Term.atom("p3"));
        b.link(p1.pidValue());
        b.link(p2.pidValue());
        b.link(p3.pidValue());
        b.link(p2.pidValue()); // linking twice is one link, as in Erlang
        assertEquals(3, ((Binding) b).linkCount(), "three distinct links");
        b.unlink(p1.pidValue());
        assertEquals(2, ((Binding) b).linkCount(), "unlinking the first link leaves the other two");
        b.exit(Term.atom("kaboom").raw());
        List<Term> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) got.add(reports.next(WAIT));
        assertFalse(got.contains(null), "a report from each of p1, p2, p3: " + got);
        assertTrue(got.contains(Term.tuple(Term.atom("p1"), Term.atom("quiet"))), "p1 was unlinked: no signal " + got);
        assertTrue(got.contains(Term.tuple(Term.atom("p2"), Term.atom("exit"), Term.atom("kaboom"))),
                "p2 got the exit signal once: " + got);
        assertTrue(got.contains(Term.tuple(Term.atom("p3"), Term.atom("exit"), Term.atom("kaboom"))),
                "p3 got the exit signal: " + got);
        assertEquals(0, ((Binding) b).linkCount(), "an exited binding holds no links");
        observer.exit(ErlangNode.NORMAL);
    }

    @Test
    void aMonitorFromErlangGetsDownWithTheExitReason() throws Exception {
        ProcessBinding b = java.bind(new QueueSink());
        QueueSink reports = new QueueSink();
        ProcessBinding observer = java.bind(reports);
        erl.eval(java, "[Conn, O] = Args, spawn(fun() -> Ref = erlang:monitor(process, Conn), O ! {monitoring, Ref},"
                + " receive D -> O ! D end end), ok.", pidArg(b), pidArg(observer));
        Term ref = reports.next(WAIT).element(1);
        awaitMonitors(b, 1);
        b.exit(Term.tuple(Term.atom("shutdown"), Term.atom("closed")).raw());
        assertEquals(Term.tuple(Term.atom("DOWN"), ref, Term.atom("process"), Term.pid(b.pid()),
                Term.tuple(Term.atom("shutdown"), Term.atom("closed"))), reports.next(WAIT),
                "the monitor fired with the binding's exit reason");
        observer.exit(ErlangNode.NORMAL);
    }

    @Test
    void aMonitorOfAnExitedBindingFiresNoprocAtOnce() throws Exception {
        ProcessBinding b = java.bind(new QueueSink());
        b.exit(ErlangNode.NORMAL);
        Term down = erl.eval(java, "[Conn] = Args, Ref = erlang:monitor(process, Conn),"
                + " receive {'DOWN', Ref, process, Conn, R} -> R after 10000 -> timeout end.", pidArg(b));
        assertEquals(Term.atom("noproc"), down);
    }

    @Test
    void aMonitorByNameOnTheJavaNodeFiresNoprocForAnUnknownName() throws Exception {
        // With DFLAG_DIST_MONITOR_NAME negotiated, erts sends {MONITOR_P, Watcher, Name, Ref} for {Name, JavaNode}.
        Term down = erl.eval(java, "[J] = Args, N = binary_to_atom(J), Ref = erlang:monitor(process, {no_such, N}),"
                + " receive {'DOWN', Ref, process, {no_such, N}, R} -> R after 10000 -> timeout end.",
                Term.binary(java.name()));
        assertEquals(Term.atom("noproc"), down);
    }

    @Test
    void demonitorMeansNoDown() throws Exception {
        ProcessBinding b = java.bind(new QueueSink());
        QueueSink reports = new QueueSink();
        ProcessBinding observer = java.bind(reports);
        erl.eval(java, "[Conn, O] = Args, spawn(fun() -> Ref = erlang:monitor(process, Conn), O ! {monitoring, self()},"
                + " receive go -> erlang:demonitor(Ref), O ! demonitored end,"
                + " receive D -> O ! {got, D} after 1500 -> O ! nothing end end), ok.", pidArg(b), pidArg(observer));
        Term monitoring = reports.next(WAIT);
        assertNotNull(monitoring);
        assertEquals(Term.atom("monitoring"), monitoring.element(0));
        awaitMonitors(b, 1);
        // ask the monitoring process (it told us its pid) to demonitor: DEMONITOR_P must remove the monitor
        observer.send(monitoring.element(1).pidValue(), new OtpErlangAtom("go"));
        assertEquals(Term.atom("demonitored"), reports.next(WAIT));
        awaitMonitors(b, 0);
        b.exit(Term.atom("kaboom").raw());
        assertEquals(Term.atom("nothing"), reports.next(WAIT), "no 'DOWN' after demonitor");
        observer.exit(ErlangNode.NORMAL);
    }

    @Test
    void genServerCallGetsTheReply() throws Exception {
        Term reply = java.call("echo_server", erl.name, Term.tuple(Term.atom("echo"), Term.integer(42)), WAIT)
                .get(30, TimeUnit.SECONDS);
        assertEquals(Term.tuple(Term.atom("echoed"), Term.integer(42)), reply);
        Term pid = erl.eval(java, "whereis(echo_server).");
        assertEquals(reply, java.call(pid.pidValue(), Term.tuple(Term.atom("echo"), Term.integer(42)), WAIT)
                .get(30, TimeUnit.SECONDS), "a call to the pid works too");
    }

    @Test
    void genServerCallTimesOut() throws Exception {
        var f = java.call("echo_server", erl.name, Term.tuple(Term.atom("sleep"), Term.integer(3000)),
                Duration.ofMillis(300));
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> f.get(30, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, e.getCause());
    }

    @Test
    void genServerCallToAMissingServerFailsWithNoproc() throws Exception {
        var f = java.call("no_such_server", erl.name, Term.atom("hello"), WAIT);
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> f.get(30, TimeUnit.SECONDS));
        CallFailedException c = assertInstanceOf(CallFailedException.class, e.getCause());
        assertEquals(Term.atom("noproc"), c.reason(), "the monitor told us at once, before the timeout");
    }

    @Test
    void theCorralServiceAnswersConnectionsListenersAndUnknownRequests() throws Exception {
        ProcessBinding b = java.bind(new QueueSink());
        java.introspection(new Introspection() {
            @Override
            public List<ConnectionInfo> connections() {
                return List.of(new ConnectionInfo(b.pid(), "/ws", "127.0.0.1:5555", "echo_handler", 1234, 5, 6, 70, 80));
            }

            @Override
            public List<ListenerInfo> listeners() {
                return List.of(new ListenerInfo("http", "0.0.0.0", 8080, 1, 10, 2));
            }
        });
        try {
            Term conns = erl.eval(java, "[J] = Args, gen_server:call({corral, list_to_atom(binary_to_list(J))},"
                    + " connections).", Term.binary(java.name()));
            Term c = conns.listValue().get(0);
            assertEquals(Term.pid(b.pid()), c.get("pid"));
            assertEquals("/ws", c.get("path").stringValue());
            assertEquals("127.0.0.1:5555", c.get("peer").stringValue());
            assertEquals("echo_handler", c.get("handler").stringValue());
            assertEquals(1234, c.get("age_ms").longValue());
            assertEquals(5, c.get("frames_in").longValue());
            assertEquals(6, c.get("frames_out").longValue());
            assertEquals(70, c.get("bytes_in").longValue());
            assertEquals(80, c.get("bytes_out").longValue());
            Term ls = erl.eval(java, "[J] = Args, gen_server:call({corral, binary_to_atom(J)}, listeners).",
                    Term.binary(java.name()));
            assertEquals(8080, ls.listValue().get(0).get("port").longValue());
            assertEquals(1, ls.listValue().get(0).get("active_connections").longValue());
            assertEquals(Term.tuple(Term.atom("error"), Term.atom("unknown_request")),
                    erl.eval(java, "[J] = Args, gen_server:call({corral, binary_to_atom(J)}, what).",
                            Term.binary(java.name())));
        } finally {
            java.introspection(null);
            b.exit(ErlangNode.NORMAL);
        }
    }

    @Test
    void nothingStaysRegisteredAfterExit() throws Exception {
        int before = java.processCount();
        ProcessBinding b = java.bind(new QueueSink());
        assertEquals(before + 1, java.processCount());
        b.exit(ErlangNode.NORMAL);
        assertEquals(before, java.processCount(), "exit removes the pid");
        Term alive = erl.eval(java, "[P] = Args, process_flag(trap_exit, true), link(P),"
                + " receive {'EXIT', P, R} -> R after 5000 -> none end.",
                pidArg(b));
        assertEquals(Term.atom("noproc"), alive, "linking to an exited binding's pid gives noproc");
    }

    private static void awaitMonitors(ProcessBinding b, int n) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (((Binding) b).monitorCount() != n) {
            if (System.nanoTime() > deadline) throw new AssertionError("monitor count never became " + n);
            Thread.sleep(10);
        }
    }
}
