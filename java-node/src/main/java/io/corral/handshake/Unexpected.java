package io.corral.handshake;

import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;

/**
 * Errors no client input should cause (a bug, not a bad request): logged at WARN with the stack, and counted so the
 * test suite's fuzzing can assert that none happened. Expected client errors are logged at DEBUG and not counted.
 */
public final class Unexpected {
    private static final LongAdder COUNT = new LongAdder();

    private Unexpected() {}

    public static void report(Logger log, String what, Throwable cause) {
        COUNT.increment();
        log.warn("{}", what, cause);
    }

    /** How many unexpected errors this JVM has seen (the fuzz tests compare it before and after). */
    public static long count() {
        return COUNT.sum();
    }
}
