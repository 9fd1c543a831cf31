package io.corral.testsupport;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;

/** The test JVM's live heap, for tests that show memory staying flat while clients misbehave. */
public final class HeapAfterGc {

    private HeapAfterGc() {
    }

    /**
     * Bytes the heap pools held right after a collection (the pools' collection usage), the smallest of three
     * collections 200 ms apart. Not a reading taken after {@code System.gc()} returns, which would count whatever
     * the running floods allocated meanwhile.
     */
    public static long bytes() throws InterruptedException {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            long used = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() != MemoryType.HEAP) continue;
                MemoryUsage u = pool.getCollectionUsage();
                if (u != null) used += u.getUsed();
            }
            min = Math.min(min, used);
            Thread.sleep(200);
        }
        return min;
    }
}
