package io.vsync.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.vsync.message.ProtocolMessage;
import io.vsync.transport.HostedWork;
import io.vsync.transport.Transport;
import io.vsync.transport.TransportStats;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ProtocolLoopTest {

    /** A transport that hosts the loop on whatever thread the test runs passes on. */
    private static final class HostingTransport implements Transport {
        HostedWork work;
        final AtomicInteger wakes = new AtomicInteger();
        final boolean hosts;

        HostingTransport(boolean hosts) {
            this.hosts = hosts;
        }

        @Override
        public Runnable host(HostedWork work) {
            if (!hosts) {
                return null;
            }
            this.work = work;
            return wakes::incrementAndGet;
        }

        @Override
        public void start() {
        }

        @Override
        public String localAddress() {
            return "127.0.0.1:1";
        }

        @Override
        public void send(String toAddress, ProtocolMessage message) {
        }

        @Override
        public void send(Collection<String> toAddresses, ProtocolMessage message) {
        }

        @Override
        public TransportStats stats() {
            return new TransportStats(0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void hostedLoopRunsQueuedTasksThenTheBatchEndInTheHostsPass() throws Exception {
        List<String> events = new ArrayList<>();
        ProtocolLoop loop = new ProtocolLoop("p", 10, now -> events.add("tick"), () -> events.add("end"));
        HostingTransport t = new HostingTransport(true);
        loop.start(t);
        assertThat(t.work).isNotNull();

        loop.submit(() -> events.add("task1"));
        loop.submit(() -> events.add("task2"));
        assertThat(t.wakes.get()).isEqualTo(2); // queued from a foreign thread: the host is woken
        assertThat(t.work.hasQueued()).isTrue();

        long delay = t.work.runPass();
        assertThat(events).containsExactly("task1", "task2", "tick", "end");
        assertThat(delay).isBetween(0L, 10L);
        assertThat(t.work.hasQueued()).isFalse();

        Thread foreign = new Thread(() -> loop.submit(() -> loop.submit(() -> events.add("from the protocol thread"))));
        foreign.start();
        foreign.join();
        t.work.runPass();
        // The inner submit came from the protocol thread: no wake, and it ran in the same batch.
        assertThat(t.wakes.get()).isEqualTo(3);
        assertThat(events).contains("from the protocol thread");
        assertThat(t.work.hasQueued()).isFalse();
        loop.stop();
    }

    @Test
    void aTaskThatThrowsIsCountedAndTheBatchGoesOn() {
        List<String> events = new ArrayList<>();
        ProtocolLoop loop = new ProtocolLoop("p", 10, now -> { }, () -> events.add("end"));
        HostingTransport t = new HostingTransport(true);
        loop.start(t);
        loop.submit(() -> {
            throw new IllegalStateException("bug");
        });
        loop.submit(() -> events.add("after"));
        t.work.runPass();
        assertThat(events).containsExactly("after", "end");
        assertThat(loop.failures()).isEqualTo(1);
        loop.stop();
    }

    @Test
    void withoutAHostTheLoopRunsOnAThreadOfItsOwn() throws Exception {
        ProtocolLoop loop = new ProtocolLoop("own-protocol-thread", 10, now -> { }, () -> { });
        loop.start(new HostingTransport(false));
        AtomicReference<String> ranOn = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        loop.submit(() -> {
            ranOn.set(Thread.currentThread().getName());
            done.countDown();
        });
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ranOn.get()).isEqualTo("own-protocol-thread");
        loop.stop();
    }

    @Test
    void stopWaitsForTheHostedBatchInProgressAndNoBatchRunsAfterIt() throws Exception {
        ProtocolLoop loop = new ProtocolLoop("p", 10, now -> { }, () -> { });
        HostingTransport t = new HostingTransport(true);
        loop.start(t);
        CountDownLatch inTask = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        loop.submit(() -> {
            inTask.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread host = new Thread(t.work::runPass);
        host.start();
        assertThat(inTask.await(10, TimeUnit.SECONDS)).isTrue();

        Thread stopper = new Thread(loop::stop);
        stopper.start();
        stopper.join(200);
        assertThat(stopper.isAlive()).as("stop() returned while a batch was still running").isTrue();
        release.countDown();
        stopper.join(10_000);
        assertThat(stopper.isAlive()).isFalse();
        host.join(10_000);

        AtomicInteger ranAfterStop = new AtomicInteger();
        loop.submit(ranAfterStop::incrementAndGet);
        long delay = t.work.runPass();
        assertThat(ranAfterStop.get()).isZero();
        assertThat(delay).as("a stopped loop asks its host for no passes soon").isGreaterThanOrEqualTo(1_000);
        assertThat(t.work.hasQueued()).as("its queued tasks never run: the host must not spin on them").isFalse();
    }
}
