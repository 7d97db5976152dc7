package io.vsync.runtime;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * A group's delivery thread: runs the tasks handed to it one at a time, in the order given.
 *
 * <p>It replaces a single-thread {@code ThreadPoolExecutor}, whose lock-and-condition queue
 * made about four futex calls per hand-off under strace (the producer's signal, the consumer's
 * wake-up and lock re-acquisition, its next wait), and the I/O thread hands over once per
 * protocol batch. Here the producer wakes the thread only when it is parked, and a busy thread
 * picks new tasks up without any system call.
 */
final class DeliveryThread implements Executor {
    private static final System.Logger LOG = System.getLogger(DeliveryThread.class.getName());

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean parked;
    private volatile boolean shutdown;

    DeliveryThread(String name) {
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    Thread thread() {
        return thread;
    }

    /** Queues {@code task} behind every task given before it. */
    @Override
    public void execute(Runnable task) {
        if (shutdown) {
            throw new RejectedExecutionException(thread.getName() + " is shut down");
        }
        tasks.add(task);
        // Dekker pairing with loop(): it sets parked before its last look at the queue, we look
        // at parked after adding, so one of the two sees the other.
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    /** Refuses new tasks; the thread runs those already queued, then ends. */
    void shutdown() {
        shutdown = true;
        LockSupport.unpark(thread);
    }

    private void loop() {
        while (true) {
            Runnable task = tasks.poll();
            if (task != null) {
                run(task);
            } else if (shutdown) {
                if (tasks.isEmpty()) { // a task added just before shutdown is still run
                    return;
                }
            } else {
                parked = true;
                if (tasks.isEmpty() && !shutdown) {
                    LockSupport.park(this);
                }
                parked = false;
            }
        }
    }

    private void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) { // handlers are guarded where they are called; this keeps the thread
            LOG.log(System.Logger.Level.ERROR, thread.getName() + ": a delivery task failed", e);
        }
    }
}
