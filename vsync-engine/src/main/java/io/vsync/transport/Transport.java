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

    /**
     * Runs {@code work} on this transport's I/O thread from now on, after each of its passes and
     * at the latest when the delay {@link HostedWork#runPass()} last returned has passed.
     *
     * @return what other threads call after queueing work for it (wakes the I/O thread if it
     *         is blocked); null when this transport has no I/O thread to share, and the caller
     *         must run the work on a thread of its own. The default returns null.
     */
    default Runnable host(HostedWork work) {
        return null;
    }

    /**
     * Makes the calling thread a <em>batching sender</em>: frames it sends are queued without
     * waking the I/O thread, and {@link #endSendBatch()}, which this thread promises to call
     * after each batch of work, writes them from this thread where it can. A frame then
     * reaches the socket with no thread hand-off, and a batch's frames for one peer go out in
     * one write. Other threads' sends are unaffected. Optional: the default does nothing.
     */
    default void batchSendsOfCurrentThread() {
    }

    /**
     * Called by the batching sender after each batch of work: writes what it queued since its
     * last call, or hands it to the I/O thread (connection busy, not yet open, socket full).
     * A no-op on other threads and by default.
     */
    default void endSendBatch() {
    }

    TransportStats stats();

    /** Closes every connection and stops the I/O thread; no callback runs afterwards. Idempotent. */
    @Override
    void close();
}
