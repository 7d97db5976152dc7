package io.vsync.tools.perf;

import java.util.concurrent.locks.LockSupport;

/**
 * Paces a sender at a fixed rate on an absolute schedule: a late send does not push the later
 * ones back (so a stall shows up as latency, not as a lower rate), as in the JGroups harness.
 */
final class Pacer {

    private final long interval;
    private final long start = System.nanoTime();
    private long next = start;

    Pacer(int perSecond) {
        this.interval = 1_000_000_000L / perSecond;
    }

    /** Sleeps until the next slot of the schedule, then moves the schedule one slot on. */
    void awaitNext() {
        long d;
        while ((d = next - System.nanoTime()) > 0) {
            LockSupport.parkNanos(d);
        }
        next += interval;
    }

    /** Nanoseconds since the pacer was made. */
    long elapsedNanos() {
        return System.nanoTime() - start;
    }
}
