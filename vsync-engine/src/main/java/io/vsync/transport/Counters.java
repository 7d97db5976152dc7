package io.vsync.transport;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The transport's counters, updated by the I/O thread and by senders, read by {@code stats()}. */
final class Counters {
    final LongAdder framesIn = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder framesOut = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final AtomicInteger openConnections = new AtomicInteger();

    TransportStats snapshot() {
        return new TransportStats(framesIn.sum(), bytesIn.sum(), framesOut.sum(), bytesOut.sum(), malformed.sum(),
                dropped.sum(), openConnections.get());
    }
}
