package io.corral.bench;

/**
 * A log-linear histogram of non-negative longs (nanoseconds here), in the manner of HdrHistogram but fixed at 7 bits
 * of sub-bucket precision: values below 256 are exact, larger ones land in a bucket at most 1/128 (0.8%) wide
 * relative to its value. Fixed memory (about 60 KB), no allocation when recording. Not thread-safe: one per
 * recording thread (or connection), {@link #add} them afterwards.
 */
public final class LatencyHistogram {
    /** Sub-buckets per power of two above the exact range. */
    private static final int SUB_BITS = 7;
    private static final int SUB = 1 << SUB_BITS;
    /** Values below this are counted exactly, one bucket each. */
    private static final int EXACT = SUB << 1;
    /** Bit lengths 9..63 each get SUB buckets. */
    private static final int BUCKETS = EXACT + (64 - (SUB_BITS + 1)) * SUB;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long max;
    private long min = Long.MAX_VALUE;
    private double sum;

    public void record(long value) {
        if (value < 0) value = 0;
        counts[index(value)]++;
        total++;
        sum += value;
        if (value > max) max = value;
        if (value < min) min = value;
    }

    static int index(long value) {
        if (value < EXACT) return (int) value;
        int bits = 64 - Long.numberOfLeadingZeros(value); // >= SUB_BITS + 2
        int shift = bits - (SUB_BITS + 1);
        int sub = (int) (value >>> shift) - SUB; // the top 8 bits minus the leading 1: 0..127
        return EXACT + (shift - 1) * SUB + sub;
    }

    /** The largest value that lands in bucket {@code index}. */
    static long highestIn(int index) {
        if (index < EXACT) return index;
        int shift = (index - EXACT) / SUB + 1;
        long sub = (index - EXACT) % SUB + SUB;
        return ((sub + 1) << shift) - 1;
    }

    public void add(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) counts[i] += other.counts[i];
        total += other.total;
        sum += other.sum;
        max = Math.max(max, other.max);
        min = Math.min(min, other.min);
    }

    public long count() {
        return total;
    }

    public long max() {
        return total == 0 ? 0 : max;
    }

    public double mean() {
        return total == 0 ? 0 : sum / total;
    }

    /**
     * The value at quantile {@code q} (0 < q <= 1): the smallest recorded value v such that at least q of all values
     * are <= v, reported as the top of v's bucket (never above the largest value recorded). 0 when empty.
     */
    public long percentile(double q) {
        if (q <= 0 || q > 1) throw new IllegalArgumentException("quantile must be in (0, 1]: " + q);
        if (total == 0) return 0;
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) return Math.min(highestIn(i), max);
        }
        return max;
    }
}
