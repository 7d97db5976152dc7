package io.vsync.runtime;

import io.vsync.transport.HostedWork;
import io.vsync.transport.Transport;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

/**
 * The engine's protocol thread: the only thread that touches the protocol core, so the core
 * needs no locks. Network threads and application threads hand it events as tasks; it runs
 * them in arrival order, ticks the core's clock, and flushes the core after each batch so
 * that acknowledgements and order tokens go out once per batch instead of once per message.
 *
 * <p>Where the transport has an I/O thread to share ({@link Transport#host}), that thread is
 * the protocol thread: a frame is read, handled and answered without waking another thread,
 * which on a busy machine is where most of a hop's latency goes. Otherwise (an in-memory
 * network in tests) the loop runs on a thread of its own.
 */
final class ProtocolLoop {

    private static final System.Logger LOG = System.getLogger(ProtocolLoop.class.getName());
    private static final int MAX_BATCH = 4096;

    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final String name;
    private final long tickMs;
    private final LongConsumer onTick;
    private final Runnable onBatchEnd;
    /** Held while a batch runs, so that {@link #stop()} can wait for the last one to end. */
    private final ReentrantLock batchLock = new ReentrantLock();
    private volatile Thread thread;
    /** True when the loop runs on a thread of its own rather than the transport's. */
    private volatile boolean ownThread;
    /** Wakes the thread running the loop after a task was queued. */
    private volatile Runnable wake = () -> { };
    private volatile boolean running = true;
    private volatile boolean sleeping;
    private volatile long failures;
    private long nextTick = nowMs();

    ProtocolLoop(String name, long tickMs, LongConsumer onTick, Runnable onBatchEnd) {
        this.name = name;
        this.tickMs = tickMs;
        this.onTick = onTick;
        this.onBatchEnd = onBatchEnd;
    }

    /** Milliseconds of a monotonic clock: the protocol core's notion of time. */
    static long nowMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    /** Runs the loop on the transport's I/O thread if it offers one, else on a thread of its own. */
    void start(Transport transport) {
        Runnable hostWake = transport.host(new HostedWork() {
            @Override
            public long runPass() {
                if (thread == null) {
                    thread = Thread.currentThread();
                }
                runBatch();
                if (!running) {
                    return 1_000; // stopped, the transport not yet closed: no tick is due, do not spin
                }
                return Math.max(0, nextTick - nowMs());
            }

            @Override
            public boolean hasQueued() {
                return running && !inbox.isEmpty(); // after stop, queued tasks never run: nothing to wait for
            }
        });
        if (hostWake != null) {
            wake = hostWake;
            return;
        }
        Thread own = new Thread(this::runOwnThread, name);
        own.setDaemon(true);
        thread = own;
        ownThread = true;
        wake = () -> {
            if (sleeping) {
                LockSupport.unpark(own);
            }
        };
        own.start();
    }

    boolean isProtocolThread() {
        return Thread.currentThread() == thread;
    }

    void submit(Runnable task) {
        inbox.add(task);
        if (!isProtocolThread()) { // the protocol thread runs its own submissions in this batch or the next
            wake.run();
        }
    }

    /** No batch runs after this returns (unless called from the protocol thread itself, mid-batch). */
    void stop() {
        running = false;
        wake.run();
        Thread t = thread;
        if (t == null || isProtocolThread()) {
            return;
        }
        if (ownThread) { // it ends
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else { // hosted: wait for a batch in progress to end
            try {
                if (batchLock.tryLock(2, TimeUnit.SECONDS)) {
                    batchLock.unlock();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Tasks that threw: a bug, logged and counted, never allowed to kill the thread. */
    long failures() {
        return failures;
    }

    private void runOwnThread() {
        while (running) {
            int handled = runBatch();
            if (handled == 0) {
                sleeping = true;
                if (inbox.isEmpty() && running) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.max(1, nextTick - nowMs())));
                }
                sleeping = false;
            }
        }
    }

    /** One batch: queued events first, then the clock, then the end-of-batch flush. */
    private int runBatch() {
        batchLock.lock();
        try {
            if (!running) {
                return 0;
            }
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
            return handled;
        } finally {
            batchLock.unlock();
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
