package io.corral.erlang;

import com.ericsson.otp.erlang.CorralOtpNode;
import com.ericsson.otp.erlang.OtpCookedConnection;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.InterningOutputStream;
import com.ericsson.otp.erlang.OtpOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One writer per remote node. When the node is connected (every connection runs on the event-loop transport,
 * {@link DistTransport}, whose writes never block) and nothing is queued before it, an operation runs at once on the
 * caller's thread:
 * on an event loop, a frame for an Erlang handler goes out without a thread hand-off. Otherwise callers enqueue and
 * return at once, and a drain task (virtual thread) connects if needed and writes everything queued, in order (the
 * transport gathers the writes into one flush per event-loop round). Either way operations towards one
 * node run one at a time and in the order they were submitted. A dead node costs one failed connection attempt per
 * {@link #BACKOFF_NANOS}, not one per message.
 */
final class Outbox {

    /** One distribution operation; {@link #failed} is told when the node cannot be reached. */
    interface Op {
        void run(OtpCookedConnection c) throws IOException;

        /** With the writer's encode buffer, for ops that can reuse it; the writer runs one op at a time. */
        default void run(OtpCookedConnection c, OtpOutputStream scratch) throws IOException {
            run(c);
        }

        default void failed() {}
    }

    /**
     * {@code To ! Msg}: the message is encoded into the writer's reused buffer (no per-message buffers). A message
     * of frame events may hold payload buffers ({@link EncodedEvents.Frame}): this op owns them and releases them
     * once, when it ran (the transport took references of its own of what it writes) or failed.
     */
    record Send(OtpErlangPid to, OtpErlangObject msg) implements Op {
        @Override
        public void run(OtpCookedConnection c) throws IOException {
            run(c, new InterningOutputStream(4096)); // not on the send path: the writer always gives its reused buffer
        }

        @Override
        public void run(OtpCookedConnection c, OtpOutputStream scratch) throws IOException {
            try {
                CorralOtpNode.send(c, scratch, to, msg);
            } finally {
                // The encoding's references to the spliced buffers are not counted ones (they are msg's): dropped.
                // Its size stays, for the writer's check of how large the buffer grew.
                if (scratch instanceof InterningOutputStream s) s.forgetSpliced();
            }
            EncodedEvents.release(msg); // written: the transport holds its own references (a failure: failed())
        }

        @Override
        public void failed() {
            EncodedEvents.release(msg);
        }
    }

    /** The encode buffer grows to the largest message sent; past this it is dropped after use, not kept. */
    private static final int SCRATCH_KEEP = 256 * 1024;

    private static final long BACKOFF_NANOS = 300_000_000L;

    private final CorralOtpNode node;
    private final Executor executor;
    private final Map<String, Writer> writers = new ConcurrentHashMap<>();

    Outbox(CorralOtpNode node, Executor executor) {
        this.node = node;
        this.executor = executor;
    }

    void submit(String peer, Op op) {
        Writer w = writers.get(peer); // the common case: no lambda, no lock
        (w != null ? w : writers.computeIfAbsent(peer, Writer::new)).add(op);
    }

    /**
     * Distribution operations queued towards each node that has a writer, not yet written. Counting walks the queue
     * ({@code ConcurrentLinkedQueue.size}): metrics and introspection pay for it, the send path pays nothing.
     */
    Map<String, Integer> depths() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        writers.forEach((peer, w) -> out.put(peer, w.queue.size()));
        return out;
    }

    int depth(String peer) {
        Writer w = writers.get(peer);
        return w == null ? 0 : w.queue.size();
    }

    /** The node is up again: stop failing fast. */
    void nodeUp(String peer) {
        Writer w = writers.get(peer);
        if (w != null) w.downSince = 0;
    }

    private final class Writer {
        private final String peer;
        private final Queue<Op> queue = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean();
        /** The connection last found up, so the common case skips JInterface's synchronized connection table. */
        private volatile OtpCookedConnection current;
        /** Used by the one drain that holds {@link #running}. */
        private OtpOutputStream scratch = new InterningOutputStream(4096);
        volatile long downSince;

        Writer(String peer) {
            this.peer = peer;
        }

        void add(Op op) {
            if (queue.isEmpty() && running.compareAndSet(false, true)) {
                // Holding `running`, nothing queued can be overtaken: run it here, as writing to a connection that
                // is up never blocks (DistTransport queues it); connecting does, so that is the drain's.
                OtpCookedConnection c = current;
                if (c == null || !c.isConnected()) current = c = node.existingConnection(peer);
                if (c == null) {
                    queue.add(op);
                    executor.execute(this::drain); // the drain gives `running` back
                    return;
                }
                try {
                    runOne(op, c);
                } finally {
                    running.set(false);
                }
                if (!queue.isEmpty() && running.compareAndSet(false, true)) executor.execute(this::drain);
                return;
            }
            queue.add(op);
            if (running.compareAndSet(false, true)) executor.execute(this::drain);
        }

        /** Runs one op holding `running`; false when the connection failed under it. */
        private boolean runOne(Op op, OtpCookedConnection c) {
            try {
                op.run(c, scratch);
                return true;
            } catch (IOException | RuntimeException e) {
                op.failed();
                return false;
            } finally {
                if (scratch.size() > SCRATCH_KEEP) scratch = new InterningOutputStream(4096);
            }
        }

        private void drain() {
            do {
                try {
                    drainOnce();
                } finally {
                    running.set(false);
                }
            } while (!queue.isEmpty() && running.compareAndSet(false, true));
        }

        private void drainOnce() {
            OtpCookedConnection c = null;
            Op op;
            while ((op = queue.peek()) != null) {
                if (c == null) {
                    c = connect();
                    if (c == null) {
                        failAll();
                        return;
                    }
                }
                queue.poll();
                if (!runOne(op, c)) c = null;
            }
        }

        private OtpCookedConnection connect() {
            OtpCookedConnection c = node.existingConnection(peer);
            if (c != null) return c;
            long since = downSince;
            if (since != 0 && System.nanoTime() - since < BACKOFF_NANOS) return null;
            c = node.connection(peer);
            downSince = c == null ? System.nanoTime() | 1 : 0;
            return c;
        }

        private void failAll() {
            Op op;
            while ((op = queue.poll()) != null) op.failed();
        }
    }
}
