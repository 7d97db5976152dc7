package io.vsync.runtime;

import io.vsync.api.VsyncException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A sender's window of unstable bytes in one group. Sends take credit and block while the
 * window is full; the protocol gives credit back as messages become stable. This bounds the
 * memory every member spends on one sender: back-pressure instead of OutOfMemoryError.
 */
final class FlowControl {

    private final long window;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private long available;

    FlowControl(long window) {
        this.window = window;
        this.available = window;
    }

    /**
     * Takes {@code bytes} of credit, waiting up to {@code timeoutMs} for it. A message larger
     * than the whole window takes the whole window: memory stays bounded by one window plus
     * one message.
     */
    void acquire(String group, long bytes, long timeoutMs) {
        long wanted = Math.min(bytes, window);
        lock.lock();
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (available < wanted) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new VsyncException("group '" + group + "': the send window of " + window
                            + " bytes stayed full for " + timeoutMs + " ms (a member is not keeping up"
                            + " or a view change is stuck)");
                }
                released.awaitNanos(left);
            }
            available -= wanted;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VsyncException("interrupted while waiting for send window", e);
        } finally {
            lock.unlock();
        }
    }

    void release(long bytes) {
        lock.lock();
        try {
            available = Math.min(window, available + bytes);
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Gives every credit back: the member left, nothing it sent is outstanding any more. */
    void reset() {
        lock.lock();
        try {
            available = window;
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
