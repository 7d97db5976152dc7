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

/**
 * This engine's sending connection to one peer, and the frames waiting for it.
 *
 * <p>Senders ({@link #offer}, {@link #schedule}) run on any thread; everything else on the
 * I/O thread only. The queue holds shared, immutable encoded frames: the same frame may sit in
 * several peers' queues. A Data frame's payload is copied once, from the frame straight into
 * this connection's write buffer.
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

    // I/O thread only.
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
