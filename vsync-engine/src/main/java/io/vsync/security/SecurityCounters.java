package io.vsync.security;

import java.util.concurrent.atomic.LongAdder;

/** The live counters behind {@link SecurityStats}; updated from any thread. */
final class SecurityCounters {
    final LongAdder handshakesCompleted = new LongAdder();
    final LongAdder handshakesRefused = new LongAdder();
    final LongAdder refusedByPeers = new LongAdder();
    final LongAdder unauthenticated = new LongAdder();
    final LongAdder replayed = new LongAdder();
    final LongAdder undecryptable = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final LongAdder droppedWaiting = new LongAdder();
    final LongAdder viewKeysCreated = new LongAdder();
    final LongAdder viewKeysReceived = new LongAdder();
    final LongAdder keyRequestsRefused = new LongAdder();

    SecurityStats snapshot() {
        return new SecurityStats(handshakesCompleted.sum(), handshakesRefused.sum(), refusedByPeers.sum(),
                unauthenticated.sum(), replayed.sum(), undecryptable.sum(), malformed.sum(), droppedWaiting.sum(),
                viewKeysCreated.sum(), viewKeysReceived.sum(), keyRequestsRefused.sum());
    }
}
