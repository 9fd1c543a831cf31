package io.corral.testsupport;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Netty's leak detector as the test JVM runs it (java-node's surefire sets {@code io.netty.customResourceLeakDetector}
 * to this class): it logs every leak as Netty's does and also keeps it, so a test can fail on a leak instead of
 * leaving a {@code LEAK:} line in a log nobody reads. A test that wants every buffer tracked turns the level to
 * paranoid for its own duration ({@link #paranoid()}).
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {
    private static final ConcurrentLinkedQueue<String> LEAKS = new ConcurrentLinkedQueue<>();

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        super(resourceType, samplingInterval, maxActive);
    }

    /** Whether this JVM's buffers are watched by this class (false when the tests run outside java-node's surefire). */
    public static boolean installed() {
        return System.getProperty("io.netty.customResourceLeakDetector", "").equals(RecordingLeakDetector.class.getName());
    }

    /** Every buffer allocated from now on is tracked, until {@code close()} restores the previous level. */
    public static AutoCloseable paranoid() {
        Level before = getLevel();
        setLevel(Level.PARANOID);
        return () -> setLevel(before);
    }

    /**
     * The leaks found so far, emptied. A leak is found once its buffer was garbage-collected unreleased and another
     * buffer is tracked: this runs a few collections and allocations first.
     */
    public static List<String> collect() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100); // the reference handler thread enqueues what the collection found
            ByteBufAllocator.DEFAULT.directBuffer(1).release();
            ByteBufAllocator.DEFAULT.heapBuffer(1).release();
        }
        List<String> found = new ArrayList<>();
        for (String s; (s = LEAKS.poll()) != null; ) found.add(s);
        return found;
    }

    @Override
    protected boolean needReport() {
        return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        LEAKS.add(resourceType + " leaked:" + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        LEAKS.add(resourceType + " leaked (no record)");
        super.reportUntracedLeak(resourceType);
    }
}
