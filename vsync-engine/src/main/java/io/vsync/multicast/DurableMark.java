package io.vsync.multicast;

import java.util.ArrayDeque;

/**
 * How far one stream is held durably: everything received contiguously, short of the first
 * record still waiting for the disk. Records that need no disk (not a safeSend) are durable as
 * soon as everything before them is.
 */
final class DurableMark {

    /** Pairs (ticket, seq) in seq order, which is also ticket order. */
    private final ArrayDeque<long[]> waiting = new ArrayDeque<>();

    void waitFor(long ticket, long seq) {
        waiting.add(new long[] {ticket, seq});
    }

    /** Forgets what the disk now holds. @return whether anything changed */
    boolean persisted(long ticket) {
        boolean changed = false;
        while (!waiting.isEmpty() && waiting.peekFirst()[0] <= ticket) {
            waiting.pollFirst();
            changed = true;
        }
        return changed;
    }

    /** The durable position, given the contiguous one. */
    long durable(long contiguous) {
        return waiting.isEmpty() ? contiguous : Math.min(contiguous, waiting.peekFirst()[1] - 1);
    }
}
