package io.corral.testsupport;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import javax.management.MBeanServerConnection;

/** A JVM's live heap, for tests that show memory staying flat while clients misbehave. */
public final class HeapAfterGc {

    private HeapAfterGc() {
    }

    /** The test JVM's own: see {@link #bytes(MBeanServerConnection)}. */
    public static long bytes() throws InterruptedException {
        try {
            return bytes(ManagementFactory.getPlatformMBeanServer());
        } catch (IOException e) {
            throw new IllegalStateException("the platform MBean server is in this JVM", e);
        }
    }

    /**
     * Bytes the heap pools of the JVM behind {@code mbs} held right after a collection (the pools' collection
     * usage), the smallest of three collections 200 ms apart. Not a reading taken after {@code System.gc()} returns,
     * which would count whatever the running floods allocated meanwhile.
     */
    public static long bytes(MBeanServerConnection mbs) throws InterruptedException, IOException {
        MemoryMXBean memory = ManagementFactory.newPlatformMXBeanProxy(mbs, ManagementFactory.MEMORY_MXBEAN_NAME,
                MemoryMXBean.class);
        var pools = ManagementFactory.getPlatformMXBeans(mbs, MemoryPoolMXBean.class);
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            memory.gc();
            long used = 0;
            for (MemoryPoolMXBean pool : pools) {
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
