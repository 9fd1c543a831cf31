package io.corral.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.api.Term;
import io.corral.wire.WireClient;
import io.corral.wire.WireClient.Frame;
import org.junit.jupiter.api.Test;

/**
 * Unmodified Cowboy 2.x handler modules (src/test/erlang) on a real Erlang node, checked on the wire: the bridge's
 * proxy is the handler's process, so timers, self-messages and messages from other processes behave as in Cowboy.
 */
class ErlangHandlerTest extends ErlangFixture {

    @Test
    void anErlangCommandsHandlerEchoesAndItsWebsocketInitFrameComesFirst() throws Exception {
        String id = newId();
        try (WireClient c = open("/erl/script", id, "")) {
            assertEquals(101, c.handshake().status(), "the 2.x module upgraded");
            assertEquals("hello from websocket_init", c.readFrame().text(), "websocket_init/1's frame follows the 101");
            c.sendText("héllo");
            assertEquals("héllo", c.readFrame().text());
            c.sendBinary(new byte[] {1, 2, 3});
            assertEquals(3, c.readFrame().payload().length);
        }
        assertEquals("{terminate,{error,closed}}", awaitEvent(id, "{terminate"), "TCP closed without a close frame");
    }

    @Test
    void aMalformedExtensionsOfferIsA400AndLeavesNoProcessOnEitherSide() throws Exception {
        // Once threw in an event-loop task after init had started a proxy: the client hung, the proxy stayed.
        int before = corral.node().processCount();
        String id = newId();
        for (int i = 0; i < 20; i++) {
            try (WireClient c = open("/erl/script", id, "", "Sec-WebSocket-Extensions: ;")) {
                assertEquals(400, c.handshake().status(), "Cowboy 2.17 answers a malformed offer with 400");
            }
        }
        assertEquals(java.util.List.of(), events(id), "init/2 never ran, so no proxy was spawned on the handler node");
        int after = corral.node().processCount();
        // at most as many: an earlier test's connection may still be finishing when 'before' is read
        assertTrue(after <= before, "no connection pid is left on the Java node: " + before + " -> " + after);
        try (WireClient c = open("/erl/script", newId(), "")) {
            assertEquals(101, c.handshake().status(), "the route still upgrades");
        }
    }

    @Test
    void aHandlerWhoseWebsocketInitReturnsNothingStillStartsReading() throws Exception {
        try (WireClient c = WireClient.connect("127.0.0.1", port(), "/erl/demo_echo")) {
            assertEquals(101, c.handshake().status(), "the route is placed once the start has returned");
            c.setReadTimeout(java.time.Duration.ofSeconds(30)); // the module's first load on a loaded machine
            c.sendText("echo me");
            assertEquals("echo me", c.readFrame().text(), "reading starts once websocket_init/1 answered, even with []");
        }
    }

    @Test
    void aTimerSetInWebsocketInitReachesWebsocketInfo() throws Exception {
        try (WireClient c = open("/erl/script", newId(), "timer=50")) {
            assertEquals("info {timeout,", c.readFrame().text().substring(0, 14), "erlang:start_timer/3 to self()");
        }
    }

    @Test
    void aMessageToSelfFromWebsocketHandleReachesWebsocketInfo() throws Exception {
        try (WireClient c = open("/erl/script", newId(), "")) {
            c.readFrame();
            c.sendText("self");
            assertEquals("info to_self", c.readFrame().text());
        }
    }

    @Test
    void aMessageFromAnotherErlangProcessToTheHandlerReachesWebsocketInfo() throws Exception {
        String id = newId();
        try (WireClient c = open("/erl/script", id, "")) {
            c.readFrame();
            awaitEvent(id, "{websocket_init");
            assertEquals(Term.atom("ok"), recorder(Term.tuple(Term.atom("send_to_handler"), Term.binary(id),
                    Term.tuple(Term.atom("hello"), Term.integer(42)))));
            assertEquals("info {hello,42}", c.readFrame().text());
        }
    }

    @Test
    void aMessageToTheConnectionsJavaPidReachesTheErlangHandlersWebsocketInfo() throws Exception {
        try (WireClient c = open("/erl/script", newId(), "")) {
            c.readFrame();
            assertEquals(Term.atom("ok"), recorder(Term.tuple(Term.atom("send"), connectionPid("/erl/script"),
                    Term.atom("ping_from_erlang"))));
            assertEquals("info ping_from_erlang", c.readFrame().text());
        }
    }

    @Test
    void closeInACommandListDropsWhatFollowsAndTerminateIsStop() throws Exception {
        String id = newId();
        try (WireClient c = open("/erl/script", id, "")) {
            c.readFrame();
            c.sendText("many-then-close");
            assertEquals("one", c.readFrame().text());
            assertEquals("two", c.readFrame().text());
            Frame close = c.readFrame();
            assertEquals(1000, close.closeCode());
            assertEquals("bye", close.closeReason());
            assertTrue(c.isClosedByServer(), "nothing after the close");
        }
        assertEquals("{terminate,stop}", awaitEvent(id, "{terminate"));
    }

    @Test
    void stopClosesWith1000() throws Exception {
        String id = newId();
        try (WireClient c = open("/erl/script", id, "")) {
            c.readFrame();
            c.sendText("stop");
            assertEquals(1000, c.readUntilClose().closeCode());
        }
        assertEquals("{terminate,stop}", awaitEvent(id, "{terminate"));
    }

    @Test
    void aCrashInWebsocketHandleIs1011AndCrashReason() throws Exception {
        String id = newId();
        try (WireClient c = open("/erl/script", id, "")) {
            c.readFrame();
            c.sendText("crash");
            assertEquals(1011, c.readUntilClose().closeCode());
        }
        assertTrue(awaitEvent(id, "{terminate").startsWith("{terminate,{crash,error,crash_in_handle"));
    }

    @Test
    void anInvalidReturnKillsTheProcessWithoutACloseFrameOrTerminate() throws Exception {
        String id = newId();
        try (WireClient c = open("/erl/script", id, "")) {
            c.readFrame();
            c.sendText("invalid");
            assertTrue(c.isClosedByServer(), "TCP closed, no close frame: the process died as Cowboy's would");
        }
        awaitEvent(id, "{handle,{text,");
        Thread.sleep(300);
        assertTrue(events(id).stream().noneMatch(e -> e.startsWith("{terminate")), "terminate/3 is not called: " + events(id));
    }

    @Test
    void aCrashInWebsocketInfoIs1011() throws Exception {
        String id = newId();
        try (WireClient c = open("/erl/script", id, "")) {
            c.readFrame();
            awaitEvent(id, "{websocket_init");
            recorder(Term.tuple(Term.atom("send_to_handler"), Term.binary(id), Term.tuple(Term.atom("crash"), Term.atom("info"))));
            assertEquals(1011, c.readUntilClose().closeCode());
        }
        assertTrue(awaitEvent(id, "{terminate").startsWith("{terminate,{crash,error,crash_in_info"));
    }

    @Test
    void aCrashInWebsocketInitIs1011AfterThe101() throws Exception {
        try (WireClient c = open("/erl/script", newId(), "crash=websocket_init")) {
            assertEquals(101, c.handshake().status(), "2.x runs websocket_init/1 after the 101");
            assertEquals(1011, c.readUntilClose().closeCode());
        }
    }

    @Test
    void aCrashInInitIsHttp500() throws Exception {
        try (WireClient c = open("/erl/script", newId(), "crash=init")) {
            assertEquals(500, c.handshake().status());
        }
    }

    @Test
    void initCanRefuseWithAStatusAndABody() throws Exception {
        String id = newId();
        try (WireClient c = open("/erl/script", id, "refuse=403")) {
            assertEquals(403, c.handshake().status());
            assertEquals("refused", new String(c.handshake().body()));
        }
        assertEquals("{terminate,normal}", awaitEvent(id, "{terminate"), "terminate(normal) after a refusal");
    }

    @Test
    void initSelectsASubprotocolThatAppearsOnThe101() throws Exception {
        try (WireClient c = open("/erl/script", newId(), "protocol=mqtt", "Sec-WebSocket-Protocol: foo, mqtt")) {
            assertEquals("mqtt", c.handshake().header("sec-websocket-protocol"));
        }
    }

    @Test
    void clientCloseCodeReachesTerminateAsRemote() throws Exception {
        String id = newId();
        try (WireClient c = open("/erl/script", id, "")) {
            c.readFrame();
            c.sendClose(4000, "bye");
            assertEquals(4000, c.readUntilClose().closeCode());
        }
        awaitEvent(id, "{terminate");
        Term expected = Term.tuple(Term.atom("terminate"), Term.tuple(Term.atom("remote"), Term.integer(4000), Term.binary("bye")));
        assertTrue(recorder(Term.tuple(Term.atom("events"), Term.binary(id))).listValue().contains(expected),
                "terminate got {remote, 4000, <<\"bye\">>}: " + events(id));
    }

    @Test
    void idleTimeoutFromInitOptionsClosesWith1000AndTimeout() throws Exception {
        String id = newId();
        try (WireClient c = open("/erl/script", id, "idle=300")) {
            c.readFrame();
            assertEquals(1000, c.readUntilClose().closeCode());
        }
        assertEquals("{terminate,timeout}", awaitEvent(id, "{terminate"));
    }

    @Test
    void aHandlerThatNeverAnswersIsBoundedByTheIdleTimeoutAndTheAnswerWait() throws Exception {
        String id = newId();
        try (WireClient c = open("/erl/script", id, "idle=300")) {
            assertEquals("hello from websocket_init", c.readFrame().text());
            c.sendText("x");
            assertEquals("x", c.readFrame().text());
            c.sendText("block");
            // The idle timeout ends the session; its close waits for the blocked handler's answer, but not for ever.
            c.setReadTimeout(java.time.Duration.ofSeconds(30));
            long t0 = System.nanoTime();
            assertEquals(1000, c.readUntilClose().closeCode(), "the close comes although the handler never answers");
            assertTrue(System.nanoTime() - t0 < java.time.Duration.ofSeconds(25).toNanos(), "within the answer wait");
            c.setReadTimeout(java.time.Duration.ofSeconds(10));
            assertTrue(c.isClosedByServer(), "and the TCP connection is closed");
        }
        java.util.List<String> events = events(id);
        assertEquals(2, events.stream().filter(e -> e.startsWith("{handle")).count(), "the handler got both events: " + events);
        assertTrue(events.getLast().startsWith("{handle"), "and is still in the second (no terminate ran): " + events);
    }

    @Test
    void aTupleHandlerFrom20RepliesAndStops() throws Exception {
        String id = newId();
        try (WireClient c = open("/erl/tuple", id, "")) {
            assertEquals("hello from websocket_init", c.readFrame().text());
            c.sendText("many");
            assertEquals("one", c.readFrame().text());
            assertEquals("two", c.readFrame().text());
            c.sendText("stop");
            assertEquals(1000, c.readUntilClose().closeCode());
        }
        assertEquals("{terminate,stop}", awaitEvent(id, "{terminate"));
    }

    @Test
    void aCowboy1xModuleRunsUnmodified() throws Exception {
        String id = newId();
        try (WireClient c = open("/erl1/script", id, "")) {
            assertEquals(101, c.handshake().status());
            assertEquals("info from_websocket_init", c.readFrame().text(), "the self-message from websocket_init/3 first");
            c.sendText("hi");
            assertEquals("hi", c.readFrame().text());
            c.sendText("shutdown");
            assertEquals(1000, c.readUntilClose().closeCode());
        }
        assertTrue(awaitEvent(id, "{websocket_init").endsWith(",13}"), "meta(websocket_version) is 13");
        assertEquals("{terminate,{normal,shutdown}}", awaitEvent(id, "{terminate"));
    }

    @Test
    void aCowboy08EraHandlerFromTheSeedsRunsUnmodified() throws Exception {
        try (WireClient c = WireClient.connect("127.0.0.1", port(), "/erl08/old")) {
            assertEquals(101, c.handshake().status(), "init({tcp, http}, ...) matched: the transport is named tcp");
            assertEquals(null, c.handshake().header("server"), "a 1.x-generation module gets the 1.x 101");
            assertEquals("Hello!", c.readFrame().text(), "the timer from websocket_init/3 fired in the session");
            c.sendText("hi");
            assertEquals("You said: hi", c.readFrame().text());
            c.sendPing(new byte[0]);
            assertEquals(Frame.PONG, c.readFrame().opcode());
        }
    }

    @Test
    void aPlainGetToA1xModuleIs400() throws Exception {
        try (WireClient c = WireClient.connectRaw("127.0.0.1", port())) {
            c.sendRaw("GET /erl08/old HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            assertEquals(400, c.readHttpResponse().status(), "1.x answers 400, not 426");
        }
    }

    @Test
    void aCowboy1xShutdownFromWebsocketInitIs400() throws Exception {
        try (WireClient c = open("/erl1/script", newId(), "shutdown=1")) {
            assertEquals(400, c.handshake().status());
        }
    }

    @Test
    void anErlangMonitorOnAConnectionPidGetsDownWhenTheConnectionCloses() throws Exception {
        Term pid;
        try (WireClient c = WireClient.connect("127.0.0.1", port(), "/java/echo")) {
            c.sendText("x");
            c.readFrame();
            pid = connectionPid("/java/echo");
            assertEquals(Term.atom("ok"), recorder(Term.tuple(Term.atom("monitor"), pid)));
            Thread.sleep(200); // the monitor request travels before the close
            c.sendClose(1000, "");
            c.readUntilClose();
        }
        String downKey = "{down," + pid + "}";
        long deadline = System.nanoTime() + 10_000_000_000L;
        Term down = null;
        while (down == null && System.nanoTime() < deadline) {
            var evs = recorder(Term.tuple(Term.atom("events"), Term.tuple(Term.atom("down"), pid))).listValue();
            if (!evs.isEmpty()) down = evs.getFirst();
            else Thread.sleep(50);
        }
        assertEquals(Term.atom("normal"), down, "erlang:monitor/2 on the connection pid fired 'DOWN' with its exit reason " + downKey);
    }

    @Test
    void aLinkedErlangProcessExitingAbnormallyEndsTheConnectionWithoutACloseFrame() throws Exception {
        try (WireClient c = WireClient.connect("127.0.0.1", port(), "/java/echo?link=1")) {
            c.sendText("x");
            c.readFrame();
            Term pid = connectionPid("/java/echo");
            recorder(Term.tuple(Term.atom("link_and_exit"), pid, Term.atom("kaboom")));
            assertTrue(c.isClosedByServer(), "the exit signal killed the connection's process: TCP closed, no close frame");
        }
    }

    @Test
    void aLinkedErlangProcessExitingNormallyLeavesTheConnectionAlone() throws Exception {
        try (WireClient c = WireClient.connect("127.0.0.1", port(), "/java/echo?link=2")) {
            c.sendText("x");
            c.readFrame();
            Term pid = connectionPid("/java/echo");
            recorder(Term.tuple(Term.atom("link_and_exit"), pid, Term.atom("normal")));
            Thread.sleep(400);
            c.sendText("still here");
            assertEquals("still here", c.readFrame().text(), "a normal exit signal does not kill a non-trapping process");
        }
    }

    @Test
    void theCorralServiceListsConnectionsToErlangCode() throws Exception {
        try (WireClient c = WireClient.connect("127.0.0.1", port(), "/java/echo?svc=1")) {
            c.sendText("x");
            c.readFrame();
            Term list = recorder(Term.tuple(Term.atom("corral_call"), Term.atom(corral.node().name()), Term.atom("connections")));
            assertTrue(list.listValue().stream().anyMatch(m -> m.get("path") != null
                    && m.get("path").stringValue().equals("/java/echo") && m.get("pid").isPid()),
                    "gen_server:call({corral, JavaNode}, connections) lists the open connection with its pid: " + list);
        }
    }

    static Term routeMetrics(Term metrics, String route) {
        for (Term l : metrics.get("listeners").listValue()) {
            for (Term r : l.get("routes").listValue()) if (r.get("route").stringValue().equals(route)) return r;
        }
        throw new AssertionError("no route " + route + " in " + metrics);
    }

    @Test
    void theCorralServiceGivesErlangCodeTheMetricsWithRoundTripsToTheHandlerNode() throws Exception {
        Term call = Term.tuple(Term.atom("corral_call"), Term.atom(corral.node().name()), Term.atom("metrics"));
        Term before = routeMetrics(recorder(call), "/erl/demo_echo");
        try (WireClient c = WireClient.connect("127.0.0.1", port(), "/erl/demo_echo")) {
            assertEquals(101, c.handshake().status());
            c.sendText("one");
            assertEquals("one", c.readFrame().text());
            c.sendText("two");
            assertEquals("two", c.readFrame().text());
            Term all = recorder(call);
            Term after = routeMetrics(all, "/erl/demo_echo");
            assertEquals("erlang", after.get("kind").atomValue(), "an Erlang module's route");
            assertEquals(corral.handlerNode(), after.get("node").atomValue(), "tagged with the node it runs on");
            assertTrue(after.get("connections_open").longValue() >= 1, "our connection is open: " + after);
            assertTrue(after.get("frames_in").longValue() - before.get("frames_in").longValue() >= 2,
                    "the two frames sent are counted: " + before + " -> " + after);
            assertTrue(after.get("bytes_out").longValue() - before.get("bytes_out").longValue() >= 6,
                    "and the echoes' bytes: " + before + " -> " + after);
            assertTrue(after.get("round_trips").longValue() - before.get("round_trips").longValue() >= 2,
                    "each echo was a round trip to the handler node: " + before + " -> " + after);
            assertTrue(all.get("erlang_queues").isMap(), "queue depths per node: " + all);
            assertTrue(all.get("listeners").listValue().getFirst().get("upgrades").isMap(), "upgrades by status: " + all);
        }
    }

    @Test
    void aJavaHandlerMakesAGenServerCallAndGetsTheReplyInWebsocketInfo() throws Exception {
        try (WireClient c = WireClient.connect("127.0.0.1", port(), "/java/caller")) {
            c.sendText("x"); // the recorder exists once some handler recorded; make sure one did
            try (WireClient e = open("/erl/script", newId(), "")) {
                e.readFrame();
            }
            c.sendText("call " + corral.handlerNode());
            assertEquals("got {reply,[]}", c.readFrame().text(), "gen_server:call's reply, delivered on the event loop");
        }
    }

    @Test
    void javaAndErlangHandlersAreServedSideBySide() throws Exception {
        try (WireClient c = WireClient.connect("127.0.0.1", port(), "/java/echo")) {
            c.sendText("java");
            assertEquals("java", c.readFrame().text());
        }
    }
}
