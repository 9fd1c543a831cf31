package io.corral.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void smallValuesAreCountedExactly() {
        LatencyHistogram h = new LatencyHistogram();
        for (int v = 1; v <= 100; v++) h.record(v);
        assertEquals(50, h.percentile(0.50), "the 50th of 1..100 is 50");
        assertEquals(90, h.percentile(0.90), "the 90th of 1..100 is 90");
        assertEquals(99, h.percentile(0.99), "the 99th of 1..100 is 99");
        assertEquals(100, h.percentile(0.999), "ceil(0.999 x 100) = 100: the largest");
        assertEquals(100, h.percentile(1.0), "q = 1 is the maximum");
    }

    @Test
    void largeValuesAreWithinOnePercentAndNeverBelowTheTruth() {
        LatencyHistogram h = new LatencyHistogram();
        int n = 1_000_000;
        for (int i = 1; i <= n; i++) h.record(i * 1_000L); // 1 us .. 1 s
        for (double q : List.of(0.5, 0.9, 0.99, 0.999)) {
            long truth = (long) Math.ceil(q * n) * 1_000L;
            long got = h.percentile(q);
            assertTrue(got >= truth && got <= truth * 1.008,
                    "q " + q + ": " + got + " should be the top of truth's bucket, within 1/128 of " + truth);
        }
    }

    @Test
    void bucketsTileTheRangeWithoutGapsOrOverlaps() {
        for (int i = 1; i < 256 + 40 * 128; i++) {
            assertEquals(LatencyHistogram.highestIn(i - 1) + 1, lowestIn(i), "bucket " + i + " starts where " + (i - 1) + " ends");
            assertEquals(i, LatencyHistogram.index(LatencyHistogram.highestIn(i)), "the top of bucket " + i + " maps back to it");
        }
        assertEquals(LatencyHistogram.index(Long.MAX_VALUE), LatencyHistogram.index(Long.MAX_VALUE - 1), "the top is reachable");
    }

    private static long lowestIn(int i) {
        return LatencyHistogram.highestIn(i - 1) + 1;
    }

    @Test
    void reportedValueNeverExceedsTheLargestRecorded() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(1_000_001);
        assertEquals(1_000_001, h.percentile(0.99), "a lone value is its own percentile, not its bucket's top");
    }

    @Test
    void mergingAddsCountsAndKeepsTheExtremes() {
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        for (int i = 0; i < 99; i++) a.record(10);
        b.record(5_000);
        a.add(b);
        assertEquals(100, a.count(), "99 + 1 values");
        assertEquals(10, a.percentile(0.99), "99 of 100 values are 10");
        assertEquals(5_000, a.percentile(1.0), "the merged maximum comes from b");
    }

    @Test
    void emptyHistogramReportsZero() {
        assertEquals(0, new LatencyHistogram().percentile(0.99), "nothing recorded, nothing to report");
    }
}
