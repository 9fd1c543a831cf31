package io.corral.erlang;

import static io.corral.erlang.BridgeAnswersTest.PROXY;
import static io.corral.erlang.BridgeAnswersTest.replies;
import static io.corral.erlang.BridgeAnswersTest.sourced;
import static io.corral.erlang.BridgeAnswersTest.t;
import static io.corral.erlang.BridgeAnswersTest.wire;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import io.corral.api.DataFrame;
import io.corral.api.Term;
import io.corral.connection.ConnectionProcess;
import io.corral.connection.LocalGroups;
import io.corral.connection.ProcessBinding;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCounted;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a connection's process does with a remote handler's answers whose large payloads are slices of the
 * distribution packet's buffer ({@link BridgeAnswers}) when no session takes them: its event loop refuses the
 * message (it is shutting down), or the process exits with them queued before a target was attached, or they reach
 * it behind its exit. Each payload's buffer is released exactly once: the packet's buffer is back to the one
 * reference the test holds (a second release would take it to 0, and the test's own release would throw).
 */
class ConnectionProcessReleaseTest {
    /** The distribution packets' buffers the answers were read from, one each. */
    private final List<ByteBuf> packets = new ArrayList<>();
    private final List<OtpErlangObject> taken = new ArrayList<>();

    @AfterEach
    void giveBack() {
        for (ByteBuf b : packets) b.release(); // throws if a path released a slice of it twice
    }

    /**
     * An answer to {@code events} events, each a binary of SPLICE_MIN bytes read as a retained slice of a packet
     * buffer of its own (small enough for the slice not to be copied out: InterningInputStream.PIN_FACTOR).
     */
    private OtpErlangObject answer(int events) {
        Term[] lists = new Term[events];
        for (int i = 0; i < events; i++) lists[i] = Term.list(t("binary", Term.binary(new byte[EncodedEvents.SPLICE_MIN])));
        byte[] bytes = wire(replies(PROXY, lists));
        ByteBuf packet = Unpooled.directBuffer(4 * EncodedEvents.SPLICE_MIN);
        packets.add(packet);
        OtpErlangObject a = BridgeAnswers.read(sourced(bytes, packet), BridgeAnswers.Proxy.of(PROXY));
        BridgeContract.Replies r = (BridgeContract.Replies) BridgeContract.decode(a);
        assertInstanceOf(DataFrame.class, r.answers().get(0).commands().get(0), "the payload is a buffer");
        assertEquals(1 + events, packet.refCnt(), "each payload a retained slice of the packet's buffer");
        return a;
    }

    /** The payload slices not released yet, over every packet. */
    private int slicesHeld() {
        int n = 0;
        for (ByteBuf b : packets) n += b.refCnt() - 1;
        return n;
    }

    private static ConnectionProcess process(EventLoop loop) {
        return new ConnectionProcess(loop, ProcessBinding.NONE, new LocalGroups());
    }

    private final ConnectionProcess.Target recorder = new ConnectionProcess.Target() {
        @Override
        public void onMessage(OtpErlangObject message) {
            taken.add(message);
        }

        @Override
        public void onExitSignal(OtpErlangPid from, OtpErlangObject reason) {
            taken.add(reason);
        }
    };

    @Test
    void anAnswerTheConnectionsLoopRefusesIsReleasedAndNothingIsThrownIntoTheDistributionReader() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        ConnectionProcess p = process(loop);
        assertTrue(loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS), "the loop stopped");
        OtpErlangObject a = answer(2);
        assertDoesNotThrow(() -> p.deliver(a), "a loop that is shutting down is no error of the reader's");
        assertEquals(0, ((ReferenceCounted) a).refCnt(), "the answer was released");
        assertEquals(0, slicesHeld(), "and with it both payloads' slices, once each");
        assertDoesNotThrow(() -> p.exitSignal(PROXY, new OtpErlangAtom("noconnection")),
                "nor is an exit signal to it");
        assertDoesNotThrow(() -> p.connection().post(Term.atom("tick")), "nor a message the handler posts to itself");
    }

    @Test
    void answersQueuedBeforeATargetIsAttachedAreReleasedOnceWhenTheProcessExits() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ConnectionProcess p = process(ch.eventLoop());
        OtpErlangObject first = answer(1), second = answer(3);
        p.deliver(first);
        p.deliver(new OtpErlangAtom("plain")); // a message without buffers between them
        p.exitSignal(PROXY, new OtpErlangAtom("normal"));
        p.deliver(second);
        ch.runPendingTasks();
        assertEquals(4, slicesHeld(), "queued, not released: no target yet");
        p.exit(new OtpErlangAtom("normal"));
        assertEquals(0, ((ReferenceCounted) first).refCnt());
        assertEquals(0, ((ReferenceCounted) second).refCnt());
        assertEquals(0, slicesHeld(), "every payload's slice released once");
        p.attach(recorder);
        ch.runPendingTasks();
        assertEquals(List.of(), taken, "a target attached after the exit is handed nothing released");
        assertEquals(0, slicesHeld());
        ch.finishAndReleaseAll();
    }

    @Test
    void answersThatReachTheProcessBehindItsExitAreReleased() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ConnectionProcess p = process(ch.eventLoop());
        OtpErlangObject before = answer(1);
        p.deliver(before); // on the loop's queue when the exit runs
        p.exit(new OtpErlangAtom("normal"));
        OtpErlangObject after = answer(2);
        p.deliver(after); // read from the distribution connection after the exit
        ch.runPendingTasks();
        assertEquals(0, ((ReferenceCounted) before).refCnt(), "delivered after the exit with no target: released");
        assertEquals(0, ((ReferenceCounted) after).refCnt());
        assertEquals(0, slicesHeld(), "every payload's slice released once");
        ch.finishAndReleaseAll();
    }

    @Test
    void answersHandedToATargetAreTheTargetsToRelease() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ConnectionProcess p = process(ch.eventLoop());
        OtpErlangObject a = answer(1);
        p.deliver(a);
        ch.runPendingTasks();
        p.attach(recorder);
        assertEquals(List.of(a), taken, "handed over in order once a target is attached");
        p.exit(new OtpErlangAtom("normal"));
        assertEquals(1, slicesHeld(), "the exit does not release what a target took (the session releases it)");
        assertTrue(((ReferenceCounted) a).release());
        assertEquals(0, slicesHeld());
        ch.finishAndReleaseAll();
    }
}
