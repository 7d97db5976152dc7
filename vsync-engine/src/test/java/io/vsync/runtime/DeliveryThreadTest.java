package io.vsync.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The group's delivery thread: order, wake-ups after parking, failures and shutdown. */
class DeliveryThreadTest {

    @Test
    void runsTasksOneAtATimeInTheOrderGivenOnItsOwnThread() throws Exception {
        DeliveryThread delivery = new DeliveryThread("vsync-deliver-test");
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Thread> runner = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        for (int i = 0; i < 100_000; i++) {
            int n = i;
            delivery.execute(() -> {
                runner.compareAndSet(null, Thread.currentThread());
                ran.add(n);
            });
        }
        delivery.execute(done::countDown);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(runner.get()).isSameAs(delivery.thread());
        assertThat(delivery.thread().getName()).isEqualTo("vsync-deliver-test");
        assertThat(delivery.thread().isDaemon()).isTrue();
        for (int i = 0; i < ran.size(); i++) {
            assertThat(ran.get(i)).isEqualTo(i);
        }
        assertThat(ran).hasSize(100_000);
        delivery.shutdown();
    }

    @Test
    void aTaskGivenWhileTheThreadParksIsNeverLeftWaiting() throws Exception {
        // One task at a time, each waiting for the last: the thread parks between almost every
        // pair, so a lost wake-up (the race between parking and adding) would hang a round.
        DeliveryThread delivery = new DeliveryThread("vsync-deliver-test");
        for (int round = 0; round < 20_000; round++) {
            CountDownLatch ran = new CountDownLatch(1);
            delivery.execute(ran::countDown);
            assertThat(ran.await(10, TimeUnit.SECONDS)).as("round %d", round).isTrue();
        }
        delivery.shutdown();
    }

    @Test
    void tasksFromSeveralThreadsAllRunAndEachThreadsStayInOrder() throws Exception {
        DeliveryThread delivery = new DeliveryThread("vsync-deliver-test");
        int producers = 4;
        int each = 20_000;
        List<List<Integer>> seen = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            seen.add(new ArrayList<>()); // only the delivery thread writes them
        }
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            threads.add(new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    int n = i;
                    delivery.execute(() -> seen.get(producer).add(n));
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        CountDownLatch done = new CountDownLatch(1);
        delivery.execute(done::countDown);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        for (List<Integer> list : seen) {
            assertThat(list).hasSize(each);
            for (int i = 0; i < each; i++) {
                assertThat(list.get(i)).isEqualTo(i);
            }
        }
        delivery.shutdown();
    }

    @Test
    void aFailingTaskDoesNotStopTheTasksAfterIt() throws Exception {
        DeliveryThread delivery = new DeliveryThread("vsync-deliver-test");
        CountDownLatch after = new CountDownLatch(1);
        delivery.execute(() -> {
            throw new IllegalStateException("handler bug");
        });
        delivery.execute(() -> {
            throw new StackOverflowError();
        });
        delivery.execute(after::countDown);
        assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
        delivery.shutdown();
    }

    @Test
    void shutdownRunsWhatIsQueuedThenEndsTheThreadAndRefusesNewTasks() throws Exception {
        DeliveryThread delivery = new DeliveryThread("vsync-deliver-test");
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        delivery.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < 10; i++) {
            int n = i;
            delivery.execute(() -> ran.add(n));
        }
        delivery.shutdown();
        assertThatThrownBy(() -> delivery.execute(() -> ran.add(-1)))
                .isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("vsync-deliver-test");
        release.countDown();
        delivery.thread().join(10_000);
        assertThat(delivery.thread().isAlive()).isFalse();
        assertThat(ran).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void anIdleThreadEndsPromptlyOnShutdown() throws Exception {
        DeliveryThread delivery = new DeliveryThread("vsync-deliver-test");
        Thread.sleep(50); // let it park
        delivery.shutdown();
        delivery.thread().join(10_000);
        assertThat(delivery.thread().isAlive()).isFalse();
    }
}
