package io.vsync.security;

import io.vsync.codec.FrameDecoder;
import java.util.ArrayDeque;

/**
 * Receiving state of one peer: its current session, a newer one not yet used, what waits for a
 * key, its keys for multicasts it sealed once for everyone, and a decoder for what it sends.
 */
final class RxPeer {
    RxSession established;
    RxSession pending;
    final ArrayDeque<InItem> waiting = new ArrayDeque<>();
    long waitingBytes;
    long offerWindowStart;
    int offersInWindow;
    long lastResetSent = Long.MIN_VALUE / 2;
    /** The peer's K_sv per view and the highest counter taken under each; null until its first GROUP_SHARED. */
    SenderKeys senderKeys;
    /**
     * Decodes the peer's opened bodies, sharing its repeated group names and member ids; made
     * at its first authentic body, so unauthenticated addresses cost no cache.
     */
    FrameDecoder decoder;
}
