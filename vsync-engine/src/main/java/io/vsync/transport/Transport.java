package io.vsync.transport;

import io.vsync.message.ProtocolMessage;
import java.io.IOException;
import java.util.Collection;

/**
 * Frames between engines. Peers are named by the address they listen on, {@code host:port}.
 *
 * <p>Delivery is best effort: FIFO per pair of engines while a connection lasts, but frames
 * can be dropped (queue over its cap, peer unreachable, broken connection; see
 * {@link TransportStats#droppedFrames()}). The protocol above detects the gaps and resends.
 * {@code send} never blocks on the network and is safe from any thread.
 */
public interface Transport extends AutoCloseable {

    /** Binds the listen socket and starts the I/O thread. */
    void start() throws IOException;

    /** The {@code host:port} this transport listens on (the actual port when bound to 0). */
    String localAddress();

    /**
     * Queues {@code message} for the peer listening at {@code toAddress}, connecting first if
     * needed. Never blocks.
     *
     * @throws IllegalArgumentException when the message cannot be encoded (over the frame cap)
     * @throws IllegalStateException    when called before {@link #start()}
     */
    void send(String toAddress, ProtocolMessage message);

    /** Sends one message to several peers: it is encoded once and the same bytes are queued to each. */
    void send(Collection<String> toAddresses, ProtocolMessage message);

    TransportStats stats();

    /** Closes every connection and stops the I/O thread; no callback runs afterwards. Idempotent. */
    @Override
    void close();
}
