package io.vsync.security;

import java.util.ArrayDeque;

/** Receiving state of one peer: its current session, a newer one not yet used, what waits for a key. */
final class RxPeer {
    RxSession established;
    RxSession pending;
    final ArrayDeque<InItem> waiting = new ArrayDeque<>();
    long waitingBytes;
    long offerWindowStart;
    int offersInWindow;
    long lastResetSent = Long.MIN_VALUE / 2;
}
