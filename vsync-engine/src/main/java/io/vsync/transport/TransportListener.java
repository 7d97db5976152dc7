package io.vsync.transport;

import io.vsync.message.ProtocolMessage;

/**
 * What the transport tells the runtime. Every callback runs on the transport's I/O thread,
 * one at a time: keep them short (hand the event to the protocol thread) and never block.
 * A callback may call {@link Transport#send}. An exception thrown by a callback is logged and
 * otherwise ignored.
 */
public interface TransportListener {

    /** A frame from the peer listening at {@code fromAddress}, decoded. Per sender in send order. */
    void onMessage(String fromAddress, ProtocolMessage message);

    /**
     * A connection attempt to {@code address} was refused, failed or timed out: most likely
     * the process there has crashed. Frames queued for it were dropped.
     */
    void onPeerUnreachable(String address);

    /**
     * An established connection to or from {@code address} closed or broke. Not necessarily a
     * crash (a link can drop); frames in flight may be lost. One failure can be reported twice,
     * once per direction.
     */
    void onConnectionLost(String address);
}
