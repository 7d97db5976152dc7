package io.vsync.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The donor's end of a state transfer: an OutputStream the application's writer fills on the
 * donor's delivery thread; it cuts the bytes into chunks sent point-to-point, and waits for
 * the joiner's acknowledgements so that at most a window of chunks is in flight.
 */
final class StateSender extends OutputStream {

    static final int CHUNK = 64 * 1024;
    static final int WINDOW = 4 * StateReceiver.ACK_EVERY;

    /** Sends one chunk to the joiner. */
    interface ChunkSink {
        void send(int seq, boolean last, byte[] body);
    }

    private final ChunkSink sink;
    private final long timeoutMs;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition acked = lock.newCondition();
    private byte[] buffer = new byte[CHUNK];
    private int filled;
    private int nextSeq;
    private int ackedUpTo = -1;
    private String failure;

    StateSender(ChunkSink sink, long timeoutMs) {
        this.sink = sink;
        this.timeoutMs = timeoutMs;
    }

    void ack(int seq) {
        lock.lock();
        try {
            ackedUpTo = Math.max(ackedUpTo, seq);
            acked.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The joiner is gone: stop writing. */
    void fail(String why) {
        lock.lock();
        try {
            failure = why;
            acked.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void write(int b) throws IOException {
        if (filled == CHUNK) {
            emit(false);
        }
        buffer[filled++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (filled == CHUNK) {
                emit(false);
            }
            int n = Math.min(len, CHUNK - filled);
            System.arraycopy(b, off, buffer, filled, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    /** Sends the last chunk. */
    @Override
    public void close() throws IOException {
        emit(true);
    }

    private void emit(boolean last) throws IOException {
        lock.lock();
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (nextSeq - ackedUpTo > WINDOW) {
                if (failure != null) {
                    throw new IOException("state transfer aborted: " + failure);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("joiner stopped acknowledging state chunks");
                }
                acked.awaitNanos(left);
            }
            if (failure != null) {
                throw new IOException("state transfer aborted: " + failure);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending state", e);
        } finally {
            lock.unlock();
        }
        byte[] body = filled == CHUNK ? buffer : java.util.Arrays.copyOf(buffer, filled);
        sink.send(nextSeq++, last, body);
        buffer = new byte[CHUNK];
        filled = 0;
    }
}
