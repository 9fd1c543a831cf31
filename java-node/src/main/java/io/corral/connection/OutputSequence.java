package io.corral.connection;

import java.util.ArrayDeque;

/**
 * Everything a connection writes, as one ordered sequence. Cowboy is sequential: a frame is parsed, acted on (pong,
 * close reply, protocol error), handed to the handler and the handler's answer written before the next frame is
 * looked at ({@code cowboy_websocket:parse_header/3} through {@code handler_call/6} and {@code commands/3}). A remote
 * handler answers later, and frames are pipelined to it, so the order is kept here instead: each event handed to a
 * handler that answers later leaves a {@link Slot}; the engine's own writes (a pong, a close reply, a protocol-error
 * or idle-timeout close) are appended behind every open slot; a slot's answer runs once everything before it has.
 * This is the response-slot queue of HTTP/1.1 pipelining (Netty's {@code HttpServerKeepAliveHandler} counts pending
 * responses the same way): the state machine only appends and fills, this class alone decides when an entry runs.
 *
 * <p>Event loop only. Invariant between calls: the queue is empty or its head is an unfilled slot, so an answer
 * that belongs at the head (a message the handler got from its own mailbox, or any answer of a handler that
 * answers at once) simply runs.
 */
public final class OutputSequence {

    /** An answer that holds something to give back when it is dropped instead of run ({@link #clear}). */
    public interface Droppable extends Runnable {
        void dropped();
    }

    /** The place of one later answer. */
    public static final class Slot {
        private Runnable answer;
        private boolean filled;
        /** The sequence was cleared (the session ended): a late answer is dropped. */
        private boolean dropped;
        /** What the event handed over weighs, for the connection's in-flight count. */
        long bytes;
        /** The next free slot, while this one is in {@link #free}. */
        private Slot nextFree;
    }

    /**
     * Made when something first has to wait (a slot of a handler that answers later): a Java handler answers at once
     * and never needs it, and an empty ArrayDeque is about 110 bytes per connection.
     */
    private ArrayDeque<Object> queue;
    /**
     * Slots whose answers ran at the head, for the next {@link #open}s: under a steady load every event took a new
     * slot, one object per message. A slot is handed out once and answered once (its holder polls it from its own
     * queue of owed answers before answering), so once its answer has started nothing refers to it. At most
     * {@link #MAX_FREE} are kept: the proxy answers a whole window of events in one message, so a connection with
     * eight in flight frees eight at once, then its client's next eight events each take one. An idle connection
     * keeps what it freed last, at most that many (256 bytes).
     */
    private Slot free;
    private int freeCount;
    static final int MAX_FREE = 8;
    private int open;
    private boolean draining;

    /** Appends a slot for an event whose answer comes later. */
    Slot open() {
        Slot s = free;
        if (s != null) {
            free = s.nextFree;
            freeCount--;
            s.nextFree = null;
            s.filled = false;
            s.answer = null;
            s.bytes = 0;
        } else {
            s = new Slot();
        }
        if (queue == null) queue = new ArrayDeque<>(4);
        queue.add(s);
        open++;
        return s;
    }

    /** An engine write (or any step that must keep its place): runs now if nothing is waiting, else in turn. */
    void append(Runnable entry) {
        if ((queue == null || queue.isEmpty()) && !draining) {
            entry.run();
        } else {
            if (queue == null) queue = new ArrayDeque<>(4);
            queue.add(entry);
        }
    }

    /**
     * The answer for {@code slot}; it runs once every entry before the slot has run.
     *
     * @return false when the slot was dropped (or filled already): the answer will not run
     */
    boolean fill(Slot slot, Runnable answer) {
        if (slot.dropped || slot.filled) return false;
        slot.answer = answer;
        slot.filled = true;
        open--;
        drain();
        return true;
    }

    /**
     * The answer for {@code slot} runs now, without being stored, when the slot is the head of the sequence (the
     * common case: answers come in order): true, and the caller runs the answer, then calls {@link #endHead}. False
     * when something is still waiting before it (or it was dropped or filled): the caller uses {@link #fill}.
     */
    boolean startHead(Slot slot) {
        if (draining || slot.dropped || slot.filled || queue == null || queue.peek() != slot) return false;
        queue.poll();
        slot.filled = true;
        open--;
        draining = true; // engine writes appended while the answer runs go behind it, as in fill
        // Out of the queue and answered: free for a next event.
        if (freeCount < MAX_FREE) {
            slot.nextFree = free;
            free = slot;
            freeCount++;
        }
        return true;
    }

    /** The head answer begun by {@link #startHead} has run: whatever waited behind it runs now, in turn. */
    void endHead() {
        draining = false;
        drain();
    }

    /** Slots still waiting for their answer. */
    int openSlots() {
        return open;
    }

    /** Entries waiting behind an open slot (slots included), for introspection and tests. */
    int waiting() {
        return queue == null ? 0 : queue.size();
    }

    /** The session ended: nothing after this point is written, and late answers are dropped. */
    void clear() {
        if (queue == null) return;
        for (Object o : queue) {
            if (o instanceof Slot s) {
                s.dropped = true;
                if (s.filled && s.answer instanceof Droppable d) d.dropped();
                s.answer = null;
            }
        }
        queue.clear();
        open = 0;
    }

    private void drain() {
        if (draining) return; // an entry filled a slot while running: the loop below picks it up
        draining = true;
        try {
            while (queue != null && !queue.isEmpty()) {
                Object head = queue.peek();
                if (head instanceof Slot s) {
                    if (!s.filled) return;
                    queue.poll();
                    s.answer.run();
                } else {
                    queue.poll();
                    ((Runnable) head).run();
                }
            }
        } finally {
            draining = false;
        }
    }
}
