package io.corral.bench;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/** What the load tools share: the phase lines EchoBenchmark reads, the wait for a phase boundary, the tool's CPU. */
final class ToolRun {

    private ToolRun() {}

    /** {@code PHASE name} on stdout, flushed at once: EchoBenchmark samples the server's CPU when it reads it. */
    static void phase(String name) {
        System.out.println("PHASE " + name);
        System.out.flush();
    }

    static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) TimeUnit.NANOSECONDS.sleep(Math.min(left, 50_000_000));
    }

    /** CPU time of this process, all threads, in nanoseconds; 0 where the JVM does not say. */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    static double us(long nanos) {
        return nanos / 1000.0;
    }
}
