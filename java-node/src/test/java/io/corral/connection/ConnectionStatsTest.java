package io.corral.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The callback counters behind {@code corral_handler_callbacks_seconds}: every callback counted, about one in
 * {@link ConnectionStats#CALLBACK_SAMPLE_MEAN} timed, the timed ones standing for the rest.
 */
class ConnectionStatsTest {

    private static ConnectionStats stats() {
        return new ConnectionStats("test", "/t", null, "h");
    }

    @Test
    void everyCallbackIsCountedTheFirstIsTimedAndAboutOneInEightAfterIt() {
        ConnectionStats s = stats();
        int n = 80_000;
        int timed = 0;
        for (int i = 0; i < n; i++) {
            long started = s.callbackStarting();
            if (i == 0) assertNotEquals(ConnectionStats.NOT_TIMED, started, "a connection's first callback is timed");
            if (started != ConnectionStats.NOT_TIMED) timed++;
            s.callbackEnded(started);
        }
        assertEquals(n, s.callbacks(), "the count is exact, timed or not");
        // Intervals are uniform in 1..15: 10,000 expected, with a standard deviation of about 55.
        assertTrue(timed > 9_000 && timed < 11_000, "about one callback in eight is timed: " + timed + " of " + n);
    }

    @Test
    void theGapBetweenTimedCallbacksVariesSoThatNoPeriodicSlowCallbackIsAlwaysMissed() {
        ConnectionStats s = stats();
        Set<Integer> gaps = new HashSet<>();
        int sinceTimed = 0;
        for (int i = 0; i < 2_000; i++) {
            long started = s.callbackStarting();
            sinceTimed++;
            if (started != ConnectionStats.NOT_TIMED) {
                if (i > 0) gaps.add(sinceTimed);
                sinceTimed = 0;
            }
            s.callbackEnded(started);
        }
        assertTrue(gaps.size() >= 10, "gaps between timed callbacks take many values, not one period: " + gaps);
        assertTrue(gaps.stream().allMatch(g -> g >= 1 && g <= 2 * ConnectionStats.CALLBACK_SAMPLE_MEAN - 1),
                "and stay within 1.." + (2 * ConnectionStats.CALLBACK_SAMPLE_MEAN - 1) + ": " + gaps);
    }

    @Test
    void theTimedCallbacksStandForTheOthersAndTheSumNeverGoesBack() {
        ConnectionStats s = stats();
        int n = 300;
        long each = TimeUnit.MICROSECONDS.toNanos(200);
        long last = 0;
        for (int i = 0; i < n; i++) {
            long started = s.callbackStarting();
            long until = System.nanoTime() + each;
            while (System.nanoTime() < until) Thread.onSpinWait(); // a callback of at least 200 us
            s.callbackEnded(started);
            long sum = s.callbackNanos();
            assertTrue(sum >= last, "the sum only grows (a Prometheus counter): " + sum + " after " + last);
            last = sum;
        }
        // A timed callback's weight is the distance to the next timed one, so the weights cover every callback (the
        // last one's reaching past the end). Each took at least 200 us, whatever the machine's load; an upper bound
        // would depend on the load.
        long covered = n * each;
        assertTrue(last >= covered, "the estimate covers the untimed callbacks too: " + last + " ns for " + n
                + " callbacks of 200 us or more");
    }
}
