package io.corral.fromerlang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What corral:start_clear/3 returns when the listener cannot start, as an Erlang user expects it: the reason as the
 * return value, and no crash or supervisor report for it (one node for every case: each failed start must leave it
 * able to start the next listener).
 */
class StartErrorsTest {

    private static ErlNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = ErlNode.start(List.of(), List.of());
        assertTrue(node.eval("application:ensure_all_started(corral).").startsWith("{ok,"), node.log());
    }

    @AfterAll
    static void stopNode() throws Exception {
        node.close();
    }

    private static String startClear(String name, int port, String routes) throws Exception {
        return node.eval("corral:start_clear(" + name + ", [{port, " + port + "}, {ip, {127,0,0,1}}], "
                + "#{env => #{dispatch => corral_router:compile(" + routes + ")}}).");
    }

    private static final String ECHO = "[{'_', [{\"/echo\", 'io.corral.demo.EchoHandler', []}]}]";

    @Test
    void aPortInUseIsEaddrinuse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertEquals("{error,eaddrinuse}", startClear("in_use", taken.getLocalPort(), ECHO),
                    "gen_tcp:listen's reason for a port in use, as cowboy:start_clear/3 returns it");
        }
        assertNoReport("eaddrinuse");
    }

    @Test
    void aRouteToAnErlangModuleThatDoesNotLoadIsUndefHandlerNamingIt() throws Exception {
        assertEquals("{error,{undef_handler,no_such_chat_h}}",
                startClear("undef_erl", 0, "[{'_', [{\"/ok\", 'io.corral.demo.EchoHandler', []}, {\"/x\", no_such_chat_h, []}]}]"));
        assertNoReport("no_such_chat_h");
    }

    @Test
    void aRouteToAJavaClassThatDoesNotLoadIsUndefHandlerNamingIt() throws Exception {
        assertEquals("{error,{undef_handler,'io.corral.NoSuchHandler'}}",
                startClear("undef_java", 0, "[{'_', [{\"/x\", 'io.corral.NoSuchHandler', []}]}]"));
        assertNoReport("NoSuchHandler");
    }

    @Test
    void noJavaExecutableIsNoJava() throws Exception {
        try {
            node.eval("application:set_env(corral, java, \"/nonexistent/bin/java\").");
            assertEquals("{error,{no_java,{not_found,\"/nonexistent/bin/java\"}}}", startClear("no_java", 0, ECHO));
        } finally {
            node.eval("application:unset_env(corral, java).");
        }
        assertNoReport("no_java");
    }

    @Test
    void aJvmThatExitsAtStartIsJvmExitedWithItsStatusAndLastLines() throws Exception {
        String v;
        try {
            node.eval("application:set_env(corral, jvm_args, [\"-XX:+NoSuchCorralOption\"]).");
            v = startClear("jvm_exits", 0, ECHO);
        } finally {
            node.eval("application:unset_env(corral, jvm_args).");
        }
        assertTrue(v.startsWith("{error,{jvm_exited,1,["), "the JVM's exit status: " + v);
        assertTrue(v.contains("NoSuchCorralOption"), "the JVM's last lines say why: " + v);
        assertNoReport("jvm_exited");
    }

    @Test
    void aDispatchWithAFunConstraintIsRefusedBecauseTheJvmMatchesRoutes() throws Exception {
        String v = node.eval("corral:start_clear(fun_constraint, [{port, 0}], #{env => #{dispatch => "
                + "corral_router:compile([{'_', [{\"/:id\", [{id, fun(_, V) -> {ok, V} end}], h, []}]}])}}).");
        assertTrue(v.startsWith("{error,{unsupported_constraint,{id,"), v);
    }

    @Test
    void aMissingDispatchIsNoDispatch() throws Exception {
        assertTrue(node.eval("corral:start_clear(no_dispatch, [{port, 0}], #{}).").startsWith("{error,{no_dispatch,"));
    }

    @Test
    void afterAFailedStartTheSameNameStartsAndStops() throws Exception {
        assertEquals("{error,{undef_handler,nope_h}}", startClear("retry", 0, "[{'_', [{\"/x\", nope_h, []}]}]"));
        assertTrue(startClear("retry", 0, ECHO).startsWith("{ok,"), "nothing of the failed start is left behind");
        long jvm = Long.parseLong(node.evalMatch("maps:get(jvm_os_pid, corral:info(retry)).", "(\\d+)"));
        assertEquals("ok", node.eval("corral:stop_listener(retry)."));
        assertTrue(ErlNode.awaitGone(jvm, java.time.Duration.ofSeconds(20)), "stop_listener/1 stops the listener's JVM");
        assertEquals("{error,not_found}", node.eval("corral:stop_listener(retry)."), "as ranch:stop_listener/1");
    }

    private static void assertNoReport(String about) {
        String log = node.log();
        assertFalse(log.contains("CRASH REPORT") || log.contains("SUPERVISOR REPORT") || log.contains("ERROR REPORT"),
                "a failed start (" + about + ") is returned, not logged:\n" + log);
    }

    @Test
    void cowboysProtocolOptionsAndCorralsAllowedOriginsReachTheListener() throws Exception {
        String started = node.eval("corral:start_clear(origins, [{port, 0}, {ip, {127,0,0,1}}], #{env => #{dispatch => "
                + "corral_router:compile(" + ECHO + ")}, allowed_origins => [<<\"https://ok.example\">>]}).");
        assertTrue(started.startsWith("{ok,"), started);
        int port = Integer.parseInt(node.eval("corral:get_port(origins)."));
        try (io.corral.wire.WireClient bad = io.corral.wire.WireClient.connect("127.0.0.1", port, "/echo",
                "Origin: https://evil.example")) {
            assertEquals(403, bad.handshake().status(), "an origin outside allowed_origins is refused");
        }
        try (io.corral.wire.WireClient ok = io.corral.wire.WireClient.connect("127.0.0.1", port, "/echo",
                "Origin: https://ok.example")) {
            assertEquals(101, ok.handshake().status(), "the allowed origin upgrades");
        }
        assertEquals("ok", node.eval("corral:stop_listener(origins)."));
    }

    @Test
    void aLimitThatIsNotANumberIsBadOptionNamingIt() throws Exception {
        String v = node.eval("corral:start_clear(bad_limit, [{port, 0}], #{env => #{dispatch => "
                + "corral_router:compile(" + ECHO + ")}, max_headers => lots}).");
        assertTrue(v.startsWith("{error,{bad_option,") && v.contains("max_headers"), v);
    }
}
