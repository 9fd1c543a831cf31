package io.corral.erlang;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpInputStream;
import com.ericsson.otp.erlang.OtpOutputStream;
import io.corral.api.Command;
import io.corral.api.Frame;
import io.corral.api.HandlerOptions;
import io.corral.api.TerminateReason;
import io.corral.api.Term;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Java half of contract v1, without a node: every term shape erlang-bridge/CONTRACT.md names. */
class BridgeContractTest {
    static final OtpErlangPid PROXY = new OtpErlangPid("bridge@localhost", 7, 0, 1);

    static Term msg(String kind, Term... rest) {
        Term[] all = new Term[3 + rest.length];
        all[0] = Term.atom("$corral");
        all[1] = Term.integer(BridgeContract.VERSION);
        all[2] = Term.atom(kind);
        System.arraycopy(rest, 0, all, 3, rest.length);
        return Term.tuple(all);
    }

    @Test
    void aUserMessageIsNotABridgeMessage() {
        assertNull(BridgeContract.decode(Term.tuple(Term.atom("hello"), Term.integer(1)).raw()));
        assertNull(BridgeContract.decode(Term.atom("$corral").raw()));
    }

    @Test
    void anotherContractVersionIsRefusedLoudly() {
        Term v1 = Term.tuple(Term.atom("$corral"), Term.integer(1), Term.atom("commands"), Term.pid(PROXY), Term.list());
        assertThrows(IllegalArgumentException.class, () -> BridgeContract.decode(v1.raw()));
    }

    @Test
    void anUpgradeDecisionCarriesHeadersAndCompleteOptions() {
        Term opts = Term.map(java.util.Map.of(Term.atom("idle_timeout"), Term.atom("infinity"),
                Term.atom("max_frame_size"), Term.integer(5000), Term.atom("compress"), Term.atom("true"),
                Term.atom("validate_utf8"), Term.atom("false")));
        Term decision = Term.tuple(Term.atom("upgrade"),
                Term.list(Term.tuple(Term.binary("Sec-WebSocket-Protocol"), Term.binary("mqtt"))), opts);
        var in = (BridgeContract.InitResult) BridgeContract.decode(msg("init_result", Term.pid(PROXY), decision).raw());
        assertEquals(PROXY, in.proxy());
        var up = assertInstanceOf(BridgeContract.Upgrade.class, in.decision());
        assertEquals("mqtt", up.headers().get("sec-websocket-protocol"), "header names are lower-cased");
        assertEquals(new HandlerOptions(HandlerOptions.INFINITY, 5000, true, false, io.corral.api.DeflateOptions.DEFAULTS), up.options());
        assertEquals(BridgeContract.InitAnswer.EVENT, up.init(),
                "without a websocket_init marker the bridge waits for the websocket_init event");
    }

    @Test
    void anUpgradeDecisionSaysWhenWebsocketInitRanAlready() {
        Term opts = Term.map(java.util.Map.of(Term.atom("idle_timeout"), Term.integer(60000),
                Term.atom("websocket_init"), Term.atom("ran")));
        Term decision = Term.tuple(Term.atom("upgrade"), Term.list(), opts);
        var in = (BridgeContract.InitResult) BridgeContract.decode(msg("init_result", Term.pid(PROXY), decision).raw());
        var up = assertInstanceOf(BridgeContract.Upgrade.class, in.decision());
        assertEquals(BridgeContract.InitAnswer.FOLLOWS, up.init(),
                "the proxy ran websocket_init at once: its answer follows, no event is to be sent");
        assertEquals(60000, up.options().idleTimeoutMillis(), "the marker does not disturb the options");
    }

    @Test
    void anUpgradeDecisionSaysWhenWebsocketInitHadNothingToRun() {
        Term opts = Term.map(java.util.Map.of(Term.atom("websocket_init"), Term.atom("empty")));
        Term decision = Term.tuple(Term.atom("upgrade"), Term.list(), opts);
        var in = (BridgeContract.InitResult) BridgeContract.decode(msg("init_result", Term.pid(PROXY), decision).raw());
        var up = assertInstanceOf(BridgeContract.Upgrade.class, in.decision());
        assertEquals(BridgeContract.InitAnswer.NONE, up.init(), "no answer follows and no event is to be sent");
        Term unknown = Term.map(java.util.Map.of(Term.atom("websocket_init"), Term.atom("later")));
        var other = (BridgeContract.Upgrade) ((BridgeContract.InitResult) BridgeContract.decode(
                msg("init_result", Term.pid(PROXY), Term.tuple(Term.atom("upgrade"), Term.list(), unknown)).raw()))
                .decision();
        assertEquals(BridgeContract.InitAnswer.EVENT, other.init(), "a marker not known here: ask by the event");
    }

    @Test
    void deflateOptsAreReadAsCowboyWritesThem() {
        Term deflate = Term.map(java.util.Map.of(Term.atom("level"), Term.atom("best_speed"),
                Term.atom("mem_level"), Term.integer(1), Term.atom("strategy"), Term.atom("rle"),
                Term.atom("server_context_takeover"), Term.atom("no_takeover"),
                Term.atom("client_context_takeover"), Term.atom("takeover"),
                Term.atom("server_max_window_bits"), Term.integer(9), Term.atom("client_max_window_bits"), Term.integer(10)));
        HandlerOptions o = BridgeContract.options(Term.map(java.util.Map.of(Term.atom("deflate_opts"), deflate)));
        assertEquals(new io.corral.api.DeflateOptions(1, 1, "rle", false, true, 9, 10), o.deflate(),
                "every key of Cowboy 2.6+'s deflate_opts reaches the handshake");
    }

    @Test
    void replyNoReplyAndCrashDecisions() {
        Term reply = Term.tuple(Term.atom("reply"), Term.integer(403), Term.list(), Term.binary("no"));
        var r = (BridgeContract.Reply) ((BridgeContract.InitResult) BridgeContract.decode(
                msg("init_result", Term.pid(PROXY), reply).raw())).decision();
        assertEquals(403, r.status());
        assertEquals("no", new String(r.body()));
        assertInstanceOf(BridgeContract.NoReply.class, ((BridgeContract.InitResult) BridgeContract.decode(
                msg("init_result", Term.pid(PROXY), Term.atom("no_reply")).raw())).decision());
        var c = (BridgeContract.Crash) ((BridgeContract.InitResult) BridgeContract.decode(msg("init_result",
                Term.pid(PROXY), Term.tuple(Term.atom("crash"), Term.atom("error"), Term.atom("boom"))).raw())).decision();
        assertEquals("error", c.cls());
    }

    @Test
    void commandsDecodeToTheEnginesCommandsInOrder() {
        Term list = Term.list(Term.tuple(Term.atom("text"), Term.binary("a")), Term.tuple(Term.atom("binary"), Term.binary("b")),
                Term.tuple(Term.atom("ping"), Term.binary("")), Term.atom("close"),
                Term.tuple(Term.atom("close"), Term.binary("bye")),
                Term.tuple(Term.atom("close"), Term.integer(4000), Term.binary("x")),
                Term.tuple(Term.atom("active"), Term.atom("false")), Term.tuple(Term.atom("deflate"), Term.atom("true")),
                Term.tuple(Term.atom("set_options"), Term.map(java.util.Map.of(Term.atom("idle_timeout"), Term.integer(10)))),
                Term.tuple(Term.atom("shutdown_reason"), Term.atom("custom")), Term.atom("stop"), Term.atom("hibernate"));
        var c = (BridgeContract.Commands) BridgeContract.decode(msg("commands", Term.pid(PROXY), list).raw());
        assertEquals(List.of(Frame.text("a"), Frame.binary("b".getBytes()), Frame.ping(), Frame.close(),
                Frame.close(1000, "bye"), Frame.close(4000, "x"), Command.active(false), Command.deflate(true),
                new Command.SetOptions(10L, null), Command.shutdownReason(Term.atom("custom")), Command.stop()),
                c.commands());
        assertTrue(c.hibernate(), "hibernate is a flag, not a command");
        assertNull(c.crash());
    }

    @Test
    void aCrashCommandIsReportedApart() {
        Term list = Term.list(Term.tuple(Term.atom("text"), Term.binary("last")),
                Term.tuple(Term.atom("crash"), Term.atom("error"), Term.atom("boom")));
        var c = (BridgeContract.Commands) BridgeContract.decode(msg("commands", Term.pid(PROXY), list).raw());
        assertEquals(1, c.commands().size());
        assertEquals("error", c.crash().cls());
    }

    @Test
    void repliesCarryOneAnswerPerEventInEventOrder() {
        Term answers = Term.list(Term.list(), Term.list(Term.tuple(Term.atom("text"), Term.binary("a")), Term.atom("hibernate")),
                Term.list(Term.tuple(Term.atom("crash"), Term.atom("error"), Term.atom("boom"))));
        var r = (BridgeContract.Replies) BridgeContract.decode(msg("replies", Term.pid(PROXY), answers).raw());
        assertEquals(3, r.answers().size(), "one answer per event, empty ones included: each fills one slot");
        assertEquals(List.of(), r.answers().get(0).commands());
        assertEquals(List.of(Frame.text("a")), r.answers().get(1).commands());
        assertTrue(r.answers().get(1).hibernate());
        assertEquals("error", r.answers().get(2).crash().cls(), "a crash is the answer of the event that raised");
    }

    @Test
    void terminateReasonsTravelInTheNeutralShape() {
        assertEquals("{terminate,stop}", Term.of(BridgeContract.terminateEvent(TerminateReason.STOP)).toString());
        assertEquals("{terminate,timeout}", Term.of(BridgeContract.terminateEvent(TerminateReason.TIMEOUT)).toString());
        assertEquals("{terminate,remote}", Term.of(BridgeContract.terminateEvent(TerminateReason.REMOTE)).toString());
        assertEquals("{terminate,{error,badsize}}", Term.of(BridgeContract.terminateEvent(TerminateReason.BADSIZE)).toString());
        assertEquals(Term.tuple(Term.atom("terminate"), Term.tuple(Term.atom("remote"), Term.integer(4000), Term.binary("bye"))),
                Term.of(BridgeContract.terminateEvent(new TerminateReason.RemoteClose(4000, "bye".getBytes()))));
    }

    @Test
    void framesTravelInTheNeutralShape() {
        assertEquals(Term.tuple(Term.atom("frame"), Term.tuple(Term.atom("ping"), Term.binary(""))),
                Term.of(BridgeContract.frameEvent(Frame.ping())), "an empty ping is a tuple; the proxy shapes it per generation");
        assertThrows(IllegalArgumentException.class, () -> BridgeContract.frameEvent(Frame.close()));
    }

    @Test
    void eventsWrittenStraightIntoTheBufferAreTheBytesJInterfaceWritesForTheSameTerm() throws Exception {
        byte[] big = new byte[70_000]; // past any one-byte or two-byte length
        for (int i = 0; i < big.length; i++) big[i] = (byte) i;
        List<Frame> frames = List.of(new Frame.Text("héllo".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                new Frame.Binary(big), Frame.ping(), new Frame.Pong(new byte[] {1, 2}), new Frame.Binary(new byte[0]));
        List<com.ericsson.otp.erlang.OtpErlangObject> events = new java.util.ArrayList<>();
        List<Term> expected = new java.util.ArrayList<>();
        events.add(BridgeContract.WEBSOCKET_INIT);
        expected.add(Term.atom("websocket_init"));
        for (Frame f : frames) {
            events.add(BridgeContract.frameEvent(f));
            String kind = f.getClass().getSimpleName().toLowerCase();
            expected.add(Term.tuple(Term.atom("frame"), Term.tuple(Term.atom(kind), Term.binary(f.payload()))));
        }
        events.add(BridgeContract.infoEvent(Term.atom("tick").raw()));
        expected.add(Term.tuple(Term.atom("info"), Term.atom("tick")));
        events.add(BridgeContract.terminateEvent(TerminateReason.STOP));
        expected.add(Term.tuple(Term.atom("terminate"), Term.atom("stop")));
        Term stock = msg("events", Term.list(expected));

        com.ericsson.otp.erlang.OtpErlangObject ours = BridgeContract.events(events);
        byte[] written = new OtpOutputStream(ours).toByteArray();
        assertArrayEquals(new OtpOutputStream(stock.raw()).toByteArray(), written,
                "erlang-bridge must receive the very bytes the JInterface terms would have made");
        assertEquals(stock.raw(), new OtpInputStream(written).read_any(), "and they decode to the contract's term");
        assertEquals(stock, Term.of(ours), "the object compares as the term it stands for");
        assertEquals(stock.toString(), Term.of(ours).toString(), "and prints as it");
        assertEquals(BridgeContract.events(List.of()).toString(), msg("events", Term.list()).toString(),
                "an empty batch is the empty list");
        assertArrayEquals(new OtpOutputStream(msg("events", Term.list()).raw()).toByteArray(),
                new OtpOutputStream(BridgeContract.events(List.of())).toByteArray(), "written as nil");
    }
}
