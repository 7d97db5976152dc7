package io.vsync.fuzz;

import java.lang.management.ManagementFactory;

/** Measures one input's allocation and time, to fail on unbounded work rather than only on exceptions. */
final class Bounds {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final long startBytes = THREADS.getCurrentThreadAllocatedBytes();
    private final long startNanos = System.nanoTime();

    /** @throws AssertionError when the input allocated or took more than allowed */
    void check(String what, long maxBytes, long maxMillis) {
        long bytes = THREADS.getCurrentThreadAllocatedBytes() - startBytes;
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        if (bytes > maxBytes) {
            throw new AssertionError(what + " allocated " + bytes + " bytes (bound " + maxBytes + ")");
        }
        if (millis > maxMillis) {
            throw new AssertionError(what + " took " + millis + " ms (bound " + maxMillis + ")");
        }
    }
}
