package io.vsync.runtime;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * The engine's protocol thread: the only thread that touches the protocol core, so the core
 * needs no locks. Network threads and application threads hand it events as tasks; it runs
 * them in arrival order, ticks the core's clock, and flushes the core after each batch so
 * that acknowledgements and order tokens go out once per batch instead of once per message.
 */
final class ProtocolLoop {

    private static final System.Logger LOG = System.getLogger(ProtocolLoop.class.getName());
    private static final int MAX_BATCH = 4096;

    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final long tickMs;
    private final LongConsumer onTick;
    private final Runnable onBatchEnd;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean sleeping;
    private volatile long failures;

    ProtocolLoop(String name, long tickMs, LongConsumer onTick, Runnable onBatchEnd) {
        this.tickMs = tickMs;
        this.onTick = onTick;
        this.onBatchEnd = onBatchEnd;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /** Milliseconds of a monotonic clock: the protocol core's notion of time. */
    static long nowMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    void start() {
        thread.start();
    }

    boolean isProtocolThread() {
        return Thread.currentThread() == thread;
    }

    void submit(Runnable task) {
        inbox.add(task);
        if (sleeping) {
            LockSupport.unpark(thread);
        }
    }

    void stop() {
        running = false;
        LockSupport.unpark(thread);
        if (!isProtocolThread()) {
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Tasks that threw: a bug, logged and counted, never allowed to kill the thread. */
    long failures() {
        return failures;
    }

    private void run() {
        long nextTick = nowMs();
        while (running) {
            // Events first, then the clock: after a stall (GC, SIGSTOP, an overloaded box) the
            // answers that arrived meanwhile must count before any timeout is judged.
            int handled = 0;
            Runnable task;
            while (handled < MAX_BATCH && (task = inbox.poll()) != null) {
                safely(task);
                handled++;
            }
            long now = nowMs();
            if (now >= nextTick) {
                safely(() -> onTick.accept(now));
                nextTick = now + tickMs;
            }
            safely(onBatchEnd);
            if (handled == 0) {
                sleeping = true;
                if (inbox.isEmpty() && running) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.max(1, nextTick - nowMs())));
                }
                sleeping = false;
            }
        }
    }

    private void safely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            failures++;
            LOG.log(System.Logger.Level.ERROR, "protocol task failed", e);
        }
    }
}
