package io.vsync.transport;

import io.vsync.codec.EncodedFrame;
import java.nio.channels.Selector;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The outbound connections by peer address, the hand-over of work from senders to the I/O
 * thread, and the reconnect backoff.
 *
 * <p>Wakeups are the expensive part of a hand-over, so a sender wakes the selector only when
 * a connection goes from idle to scheduled <em>and</em> the I/O thread is (about to be)
 * blocked in select; a busy I/O thread picks the work up on its next pass.
 */
final class OutboundTable {
    private final Map<String, Outbound> byAddress = new ConcurrentHashMap<>();
    /** nanoTime of the last failed connect per address, for the backoff. */
    private final Map<String, Long> failedAt = new ConcurrentHashMap<>();
    private final Queue<Outbound> ready = new ConcurrentLinkedQueue<>();
    /** True while the I/O thread is in, or about to enter, a blocking select. */
    private final AtomicBoolean selecting = new AtomicBoolean();
    private final Selector selector;
    private final EncodedFrame hello;
    private final TransportConfig config;
    private final long backoffNanos;

    OutboundTable(Selector selector, EncodedFrame hello, TransportConfig config) {
        this.selector = selector;
        this.hello = hello;
        this.config = config;
        this.backoffNanos = config.reconnectBackoff().toNanos();
    }

    /** The connection to send to {@code address} on, created if needed; null while backing off. */
    Outbound forSend(String address) {
        Outbound existing = byAddress.get(address);
        if (existing != null) {
            return existing;
        }
        Long failed = failedAt.get(address);
        if (failed != null) {
            if (System.nanoTime() - failed < backoffNanos) {
                return null;
            }
            failedAt.remove(address, failed);
        }
        return byAddress.computeIfAbsent(address,
                a -> new Outbound(a, hello, config.maxQueuedBytesPerPeer(), config.writeBufferSize()));
    }

    /** Hands a connection with new work to the I/O thread, waking it only if it is blocked. */
    void schedule(Outbound connection) {
        if (connection.schedule()) {
            ready.add(connection);
            wakeIfSelecting();
        }
    }

    /** Wakes the I/O thread if it is (about to be) blocked in select: work was queued for it. */
    void wakeIfSelecting() {
        if (selecting.compareAndSet(true, false)) {
            selector.wakeup();
        }
    }

    // ---- I/O thread only below.

    /** Before a select: returns false when work is already waiting, and the select must not block. */
    boolean prepareToBlock() {
        selecting.set(true);
        return ready.isEmpty();
    }

    void doneSelecting() {
        selecting.set(false);
    }

    Outbound pollReady() {
        return ready.poll();
    }

    /** A connect failed: forget the connection and refuse sends to the address for the backoff. */
    void connectFailed(Outbound connection) {
        failedAt.put(connection.address, System.nanoTime()); // before the removal: no window without backoff
        byAddress.remove(connection.address, connection);
    }

    /** An established connection broke: forget it; the next send reconnects at once. */
    void lost(Outbound connection) {
        byAddress.remove(connection.address, connection);
    }

    /** Forgets backoffs that have expired, so that the table does not grow with dead addresses. */
    void pruneBackoffs() {
        long now = System.nanoTime();
        failedAt.entrySet().removeIf(e -> now - e.getValue() >= backoffNanos);
    }

    Iterable<Outbound> all() {
        return byAddress.values();
    }
}
