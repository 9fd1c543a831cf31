package io.corral.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order of a connection's output: answers in their slots, engine writes behind every open slot. */
class OutputSequenceTest {

    private final OutputSequence out = new OutputSequence();
    private final List<String> written = new ArrayList<>();

    /** What WsConnection.answer does: the head answer runs at once, any other waits in its slot. */
    private void answer(OutputSequence.Slot slot, String what) {
        if (out.startHead(slot)) {
            try {
                written.add(what);
            } finally {
                out.endHead();
            }
        } else {
            out.fill(slot, () -> written.add(what));
        }
    }

    @Test
    void twoPingsInOneReadGiveEachPongBeforeItsReply() {
        // ping a: pong a, slot a; ping b: pong b waits behind slot a, slot b.
        out.append(() -> written.add("pong a"));
        OutputSequence.Slot a = out.open();
        out.append(() -> written.add("pong b"));
        OutputSequence.Slot b = out.open();
        answer(a, "reply a");
        answer(b, "reply b");
        assertEquals(List.of("pong a", "reply a", "pong b", "reply b"), written, "Cowboy's order: pong, reply, pong, reply");
        assertEquals(0, out.openSlots());
        assertEquals(0, out.waiting());
    }

    @Test
    void anAnswerThatArrivesBeforeAnEarlierOneWaitsForIt() {
        OutputSequence.Slot a = out.open();
        OutputSequence.Slot b = out.open();
        answer(b, "reply b");
        assertTrue(written.isEmpty(), "b must not overtake a");
        answer(a, "reply a");
        assertEquals(List.of("reply a", "reply b"), written);
    }

    @Test
    void anEngineWriteAppendedWhileTheHeadAnswerRunsGoesAfterIt() {
        OutputSequence.Slot a = out.open();
        assertTrue(out.startHead(a), "a is at the head");
        written.add("reply a, first part");
        out.append(() -> written.add("close")); // e.g. a protocol error seen while the answer runs
        written.add("reply a, rest");
        out.endHead();
        assertEquals(List.of("reply a, first part", "reply a, rest", "close"), written);
    }

    @Test
    void aClearedSequenceDropsLateAnswers() {
        OutputSequence.Slot a = out.open();
        out.clear();
        assertFalse(out.startHead(a), "the slot was dropped with the session");
        answer(a, "late");
        assertTrue(written.isEmpty(), "nothing is written after the session ended");
    }

    @Test
    void anAnswerWaitingBehindAnOpenSlotIsToldWhenTheSessionEndsAndALateOneIsRefused() {
        OutputSequence.Slot a = out.open();
        OutputSequence.Slot b = out.open();
        List<String> dropped = new ArrayList<>();
        OutputSequence.Droppable held = new OutputSequence.Droppable() {
            @Override
            public void run() {
                written.add("reply b");
            }

            @Override
            public void dropped() {
                dropped.add("reply b");
            }
        };
        assertTrue(out.fill(b, held), "b waits behind a: its answer is taken");
        out.clear();
        assertEquals(List.of("reply b"), dropped, "an answer that never gets its turn gives back what it holds");
        assertTrue(written.isEmpty(), "and is not written");
        assertFalse(out.fill(a, () -> written.add("reply a")), "a late answer is refused: its caller gives back"
                + " what it holds (WsConnection.answer)");
        assertTrue(written.isEmpty(), "nothing is written after the session ended");
    }

    @Test
    void aSlotAnsweredAtTheHeadServesTheNextEventAsAFreshOne() {
        OutputSequence.Slot a = out.open();
        a.bytes = 32;
        answer(a, "reply a");
        OutputSequence.Slot b = out.open();
        assertTrue(a == b, "the answered slot is reused: no object per message under a steady load");
        assertEquals(0, b.bytes, "with nothing of its last event");
        assertEquals(1, out.openSlots());
        out.append(() -> written.add("pong"));
        assertEquals(List.of("reply a"), written, "it is open again: the engine's write waits behind it");
        answer(b, "reply b");
        assertEquals(List.of("reply a", "reply b", "pong"), written);
        OutputSequence.Slot c = out.open();
        OutputSequence.Slot d = out.open();
        assertFalse(c == d, "a second open slot is a new one: one was free");
        answer(d, "reply d");
        answer(c, "reply c");
        assertEquals(List.of("reply a", "reply b", "pong", "reply c", "reply d"), written, "order kept");
    }

    @Test
    void answersOfABatchFreeTheirSlotsForTheNextReadUpToABound() {
        int n = OutputSequence.MAX_FREE + 4;
        java.util.Set<OutputSequence.Slot> first = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        List<OutputSequence.Slot> slots = new ArrayList<>();
        for (int i = 0; i < n; i++) slots.add(out.open());
        first.addAll(slots);
        OutputSequence.Slot last = out.open(); // still open: the connection is not idle
        for (int i = 0; i < n; i++) answer(slots.get(i), "reply " + i);
        int reused = 0;
        List<OutputSequence.Slot> next = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            OutputSequence.Slot s = out.open();
            next.add(s);
            if (first.contains(s)) reused++;
        }
        assertEquals(OutputSequence.MAX_FREE, reused, "the next read's events take the freed slots, as many as are kept");
        assertEquals(n + 1, out.openSlots());
        answer(last, "reply last");
        for (int i = 0; i < n; i++) answer(next.get(i), "again " + i);
        assertEquals(2 * n + 1, written.size(), "every answer ran once, in order");
        assertEquals("reply last", written.get(n));
        assertEquals(0, out.openSlots());
        int again = 0;
        for (int i = 0; i < n; i++) {
            OutputSequence.Slot s = out.open();
            if (first.contains(s) || next.contains(s) || s == last) again++;
        }
        assertEquals(OutputSequence.MAX_FREE, again,
                "a whole window answered at once (nothing open in between) still leaves its slots for the next one");
    }
}
