package io.vsync.transport;

import static io.vsync.transport.RecordingListener.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vsync.message.Heartbeat;
import io.vsync.message.ProtocolMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The two ways the engine shares the transport's I/O thread: a batching sender writes its own
 * frames at the end of its batch, and hosted work (the protocol core) runs between the I/O
 * thread's passes.
 */
class SharedIoThreadTest {
    private final StartedTransports transports = new StartedTransports();

    @AfterEach
    void closeAll() {
        transports.close();
    }

    private NioTransport start(TransportListener listener) {
        return transports.start(listener);
    }

    private static List<Long> incarnations(List<ProtocolMessage> messages) {
        return messages.stream().map(m -> ((Heartbeat) m).incarnation()).toList();
    }

    @Test
    void batchingSendersFramesStayQueuedUntilTheBatchEndsThenArriveInOrder() {
        RecordingListener lb = new RecordingListener();
        NioTransport a = start(new RecordingListener());
        NioTransport b = start(lb);
        a.send(b.localAddress(), new Heartbeat(0)); // opens the connection the ordinary way
        await("the first frame", () -> lb.messages().size() == 1);

        a.batchSendsOfCurrentThread();
        long written = a.stats().framesOut();
        for (long i = 1; i <= 100; i++) {
            a.send(b.localAddress(), new Heartbeat(i));
        }
        // Not handed to the I/O thread: nothing can have been written yet.
        assertThat(a.stats().framesOut()).isEqualTo(written);

        a.endSendBatch();
        await("the batch", () -> lb.messages().size() == 101);
        List<Long> expected = new ArrayList<>();
        for (long i = 0; i <= 100; i++) {
            expected.add(i);
        }
        assertThat(incarnations(lb.messagesFrom(a.localAddress()))).isEqualTo(expected);
        assertThat(a.stats().droppedFrames()).isZero();
    }

    @Test
    void otherThreadsSendAsBeforeWhileAThreadBatches() throws Exception {
        RecordingListener lb = new RecordingListener();
        NioTransport a = start(new RecordingListener());
        NioTransport b = start(lb);
        a.batchSendsOfCurrentThread();
        Thread other = new Thread(() -> a.send(b.localAddress(), new Heartbeat(7)));
        other.start();
        other.join();
        await("the other thread's frame, with no end of batch", () -> lb.messages().size() == 1);
    }

    @Test
    void aBatchForAConnectionNotYetOpenIsLeftToTheIoThread() {
        RecordingListener lb = new RecordingListener();
        NioTransport a = start(new RecordingListener());
        NioTransport b = start(lb);
        a.batchSendsOfCurrentThread();
        for (long i = 1; i <= 5; i++) {
            a.send(b.localAddress(), new Heartbeat(i));
        }
        a.endSendBatch(); // no connection yet: the I/O thread connects, then writes them
        await("the batch", () -> lb.messages().size() == 5);
        assertThat(incarnations(lb.messagesFrom(a.localAddress()))).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void hostedWorkRunsOnTheIoThreadAndWhenWokenForQueuedWork() {
        NioTransport a = start(new RecordingListener());
        Set<String> threads = ConcurrentHashMap.newKeySet();
        AtomicInteger passes = new AtomicInteger();
        AtomicBoolean queued = new AtomicBoolean();
        AtomicInteger served = new AtomicInteger();
        Runnable wake = a.host(new HostedWork() {
            @Override
            public long runPass() {
                threads.add(Thread.currentThread().getName());
                passes.incrementAndGet();
                if (queued.getAndSet(false)) {
                    served.incrementAndGet();
                }
                return 60_000; // nothing due: only wake-ups and socket events bring it back
            }

            @Override
            public boolean hasQueued() {
                return queued.get();
            }
        });
        assertThat(wake).isNotNull();
        await("the first pass", () -> passes.get() > 0);
        for (int i = 1; i <= 20; i++) {
            queued.set(true);
            wake.run();
            int expected = i;
            await("queued work number " + i, () -> served.get() == expected);
        }
        assertThat(threads).allMatch(name -> name.startsWith("vsync-io-"));
    }

    @Test
    void hostedWorkRunsAgainWhenItsDelayHasPassed() {
        NioTransport a = start(new RecordingListener());
        AtomicInteger passes = new AtomicInteger();
        a.host(new HostedWork() {
            @Override
            public long runPass() {
                passes.incrementAndGet();
                return 5; // a clock tick every 5 ms, with no traffic at all
            }

            @Override
            public boolean hasQueued() {
                return false;
            }
        });
        await("passes driven by the delay alone", () -> passes.get() >= 20);
    }

    @Test
    void hostedWorkThatThrowsDoesNotStopTheTransport() {
        RecordingListener lb = new RecordingListener();
        NioTransport a = start(new RecordingListener());
        NioTransport b = start(lb);
        AtomicInteger passes = new AtomicInteger();
        a.host(new HostedWork() {
            @Override
            public long runPass() {
                passes.incrementAndGet();
                throw new IllegalStateException("a bug in the hosted work");
            }

            @Override
            public boolean hasQueued() {
                return false;
            }
        });
        await("a failing pass", () -> passes.get() > 0);
        a.send(b.localAddress(), new Heartbeat(1));
        await("a frame sent after the failures", () -> lb.messages().size() == 1);
    }

    @Test
    void hostingNeedsARunningTransport() {
        NioTransport idle = new NioTransport(TransportConfig.of("127.0.0.1", 0), new RecordingListener());
        HostedWork nothing = new HostedWork() {
            @Override
            public long runPass() {
                return 1;
            }

            @Override
            public boolean hasQueued() {
                return false;
            }
        };
        assertThatThrownBy(() -> idle.host(nothing)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not running");
    }
}
