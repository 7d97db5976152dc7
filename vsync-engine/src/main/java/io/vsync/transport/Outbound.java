package io.vsync.transport;

import io.vsync.codec.EncodedFrame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * This engine's sending connection to one peer, and the frames waiting for it.
 *
 * <p>Senders ({@link #offer}, {@link #schedule}) run on any thread. The socket side (connect,
 * write, close, the filter) belongs to the I/O thread, which holds {@link #socketLock} while it
 * touches it, with one exception: the batching sender may write queued frames itself
 * ({@link #writeFromSender}) when it can take the lock without waiting, which spares the
 * I/O thread's wake-up on the way to the socket. The queue holds shared, immutable encoded
 * frames: the same frame may sit in several peers' queues. A Data frame's payload is copied
 * once, from the frame straight into this connection's write buffer.
 */
final class Outbound {
    final String address;
    private final EncodedFrame hello;
    private final long maxQueuedBytes;
    private final int writeBufferSize;
    private final Queue<EncodedFrame> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    /** True while this connection sits in the I/O thread's ready queue. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean closed;
    /** Guards the socket side below against the batching sender's direct writes. */
    final ReentrantLock socketLock = new ReentrantLock();
    /** Batching sender only: this connection has frames queued in the current batch. */
    boolean heldInBatch;

    // I/O thread only, or under socketLock.
    SocketChannel channel;
    /** Plain or TLS; set with the channel. */
    ConnectionFilter filter;
    SelectionKey key;
    boolean connected;
    long connectDeadlineNanos;
    private ByteBuffer out;
    private EncodedFrame current;
    private int currentOffset;

    Outbound(String address, EncodedFrame hello, long maxQueuedBytes, int writeBufferSize) {
        this.address = address;
        this.hello = hello;
        this.maxQueuedBytes = maxQueuedBytes;
        this.writeBufferSize = writeBufferSize;
        queue.add(hello); // first on the wire, before any frame a sender can offer
        queuedBytes.set(hello.length());
    }

    /** Queues a frame; false (the caller counts a drop) when over the cap or closed. */
    boolean offer(EncodedFrame frame) {
        int size = frame.length();
        if (closed || queuedBytes.get() + size > maxQueuedBytes) {
            return false;
        }
        queuedBytes.addAndGet(size);
        queue.add(frame);
        return true;
    }

    /** True when this call moved the connection to "needs the I/O thread": hand it over then. */
    boolean schedule() {
        return !scheduled.get() && scheduled.compareAndSet(false, true);
    }

    /** Called by the I/O thread before it looks at the queue, so that later offers schedule again. */
    void unschedule() {
        scheduled.set(false);
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * The batching sender's write: flushes the queue from the calling thread if the connection
     * is open and nobody else is writing it.
     *
     * @return true when everything queued is on the socket; false when the I/O thread must take
     *         over (connection busy, not open yet, closed, socket full, or the write failed:
     *         the I/O thread then meets the failure itself and reports it from its own thread)
     */
    boolean writeFromSender(Counters counters) {
        if (!socketLock.tryLock()) {
            return false;
        }
        try {
            if (closed || !connected || filter == null) {
                return false;
            }
            return flush(counters) && !filter.hasPendingOutput();
        } catch (IOException | RuntimeException e) {
            return false;
        } finally {
            socketLock.unlock();
        }
    }

    /**
     * Writes queued frames, coalesced through the direct write buffer, until the queue is
     * empty or the socket is full.
     *
     * @return true when everything was written, or the rest waits for the peer (a TLS handshake:
     *         the read that completes it flushes again); false when the socket is full (wait for OP_WRITE)
     */
    boolean flush(Counters counters) throws IOException {
        if (out == null) {
            out = ByteBuffer.allocateDirect(writeBufferSize);
        }
        while (true) {
            fill(counters);
            if (out.position() == 0) {
                return !filter.hasPendingOutput();
            }
            out.flip();
            int written = filter.write(channel, out);
            counters.bytesOut.add(written);
            out.compact();
            if (out.position() > 0) {
                return filter.waitingForPeer();
            }
        }
    }

    private void fill(Counters counters) {
        while (out.hasRemaining()) {
            if (current == null) {
                current = queue.poll();
                if (current == null) {
                    return;
                }
                currentOffset = 0;
                queuedBytes.addAndGet(-current.length());
            }
            currentOffset = current.copyTo(out, currentOffset);
            if (currentOffset == current.length()) {
                counters.framesOut.increment();
                current = null;
            }
        }
    }

    /** Closes the channel and discards the queue. @return the protocol frames that were never written */
    int close() {
        socketLock.lock();
        try {
            return closeLocked();
        } finally {
            socketLock.unlock();
        }
    }

    private int closeLocked() {
        closed = true;
        if (key != null) {
            key.cancel();
        }
        if (channel != null) {
            if (filter != null) {
                filter.closing(channel);
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        int dropped = current != null && current != hello ? 1 : 0;
        current = null;
        for (EncodedFrame frame; (frame = queue.poll()) != null; ) {
            if (frame != hello) {
                dropped++;
            }
        }
        queuedBytes.set(0);
        return dropped;
    }
}
