package io.vsync.simulation;

import io.vsync.durability.SafeRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * One simulated process's safeSend log. Appends land in a volatile buffer; {@link #fsync}
 * makes them durable; a crash keeps only what was synced, as a real disk does after a power
 * loss (and as a process crash would with the fsync policy {@code always}, which the simulated
 * processes use: they sync at every batch end before reporting records durable).
 */
final class SimulatedDisk {

    private final List<SafeRecord> durable = new ArrayList<>();
    private final List<SafeRecord> buffered = new ArrayList<>();
    private long bufferedTicket;
    private long durableTicket;

    void append(long ticket, SafeRecord record) {
        buffered.add(record);
        bufferedTicket = ticket;
    }

    /** @return the highest durable ticket of the current process (0 when none) */
    long fsync() {
        durable.addAll(buffered);
        buffered.clear();
        durableTicket = bufferedTicket;
        return durableTicket;
    }

    /** The process died: unsynced records are lost, and tickets start again with the next process. */
    void crash() {
        buffered.clear();
        bufferedTicket = 0;
        durableTicket = 0;
    }

    List<SafeRecord> records() {
        return List.copyOf(durable);
    }

    int size() {
        return durable.size();
    }
}
