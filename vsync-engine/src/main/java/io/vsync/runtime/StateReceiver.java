package io.vsync.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The joiner's end of a state transfer: an InputStream fed with chunks by the protocol thread
 * and read by the application's loader on the delivery thread. It acknowledges consumed chunks
 * so that the donor never has more than a window in flight: bounded memory whatever the size.
 */
final class StateReceiver extends InputStream {

    static final int ACK_EVERY = 8;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private final long timeoutMs;
    private final IntConsumer ack;
    private byte[] current = new byte[0];
    private int position;
    private int nextSeq;
    private int consumed;
    private boolean last;
    private String failure;

    StateReceiver(long timeoutMs, IntConsumer ack) {
        this.timeoutMs = timeoutMs;
        this.ack = ack;
    }

    /** From the protocol thread. Out-of-order or duplicate chunks mean a broken stream. */
    void chunk(int seq, boolean isLast, byte[] body) {
        lock.lock();
        try {
            if (seq != nextSeq) {
                failure = "state chunk " + seq + " arrived where " + nextSeq + " was expected";
            } else {
                nextSeq++;
                chunks.add(body);
                last = isLast;
            }
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** From the protocol thread: the donor failed, aborted, or the joiner stopped waiting. */
    void fail(String why) {
        lock.lock();
        try {
            // Once the last chunk is in, the transfer is complete: a later failure changes nothing.
            if (failure == null && !last) {
                failure = why;
            }
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (position >= current.length) {
            if (!nextChunk()) {
                return -1;
            }
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
    }

    private boolean nextChunk() throws IOException {
        lock.lock();
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (chunks.isEmpty()) {
                if (failure != null) {
                    throw new IOException("state transfer failed: " + failure);
                }
                if (last) {
                    return false;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("state transfer stalled: no chunk for " + timeoutMs + " ms");
                }
                arrived.awaitNanos(left);
            }
            current = chunks.poll();
            position = 0;
            consumed++;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while loading state", e);
        } finally {
            lock.unlock();
        }
        if (consumed % ACK_EVERY == 0) {
            ack.accept(consumed - 1);
        }
        return true;
    }

    /** Whether every chunk up to the last one was read. */
    boolean finished() {
        lock.lock();
        try {
            return last && chunks.isEmpty() && position >= current.length && failure == null;
        } finally {
            lock.unlock();
        }
    }
}
