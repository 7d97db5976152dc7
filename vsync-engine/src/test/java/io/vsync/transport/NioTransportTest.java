package io.vsync.transport;

import static io.vsync.transport.RecordingListener.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vsync.api.DeliveryKind;
import io.vsync.codec.FrameCodec;
import io.vsync.codec.SampleMessages;
import io.vsync.message.Data;
import io.vsync.message.Heartbeat;
import io.vsync.message.ProtocolMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NioTransportTest {
    private final StartedTransports transports = new StartedTransports();

    @AfterEach
    void closeAll() {
        transports.close();
    }

    private NioTransport start(TransportListener listener) {
        return transports.start(listener);
    }

    private NioTransport start(TransportConfig config, TransportListener listener) {
        return transports.start(config, listener);
    }

    @Test
    void bindsWhereToldAndReportsTheActualPort() {
        NioTransport t = start(new RecordingListener());
        assertThat(t.localAddress()).startsWith("127.0.0.1:").isNotEqualTo("127.0.0.1:0");
    }

    @Test
    void twoTransportsExchangeEveryMessageType() {
        RecordingListener la = new RecordingListener();
        RecordingListener lb = new RecordingListener();
        NioTransport a = start(la);
        NioTransport b = start(lb);
        List<ProtocolMessage> all = withLargestData(SampleMessages.all(), a.codec());
        for (ProtocolMessage m : all) {
            a.send(b.localAddress(), m);
            b.send(a.localAddress(), m);
        }
        await("all messages at b", () -> lb.messages().size() == all.size());
        await("all messages at a", () -> la.messages().size() == all.size());
        assertSameMessages(lb.messagesFrom(a.localAddress()), all);
        assertSameMessages(la.messagesFrom(b.localAddress()), all);
        assertThat(a.stats().openConnections()).isEqualTo(2);
        assertThat(a.stats().malformedFrames()).isZero();
        assertThat(a.stats().droppedFrames()).isZero();
    }

    @Test
    void threeTransportsMulticastEveryMessageType() {
        RecordingListener[] listeners = {new RecordingListener(), new RecordingListener(), new RecordingListener()};
        NioTransport[] ts = {start(listeners[0]), start(listeners[1]), start(listeners[2])};
        List<ProtocolMessage> all = SampleMessages.all();
        for (int i = 0; i < 3; i++) {
            List<String> others = new ArrayList<>();
            for (int j = 0; j < 3; j++) {
                if (j != i) {
                    others.add(ts[j].localAddress());
                }
            }
            for (ProtocolMessage m : all) {
                ts[i].send(others, m);
            }
        }
        for (int i = 0; i < 3; i++) {
            RecordingListener l = listeners[i];
            await("messages at " + i, () -> l.messages().size() == 2 * all.size());
            for (int j = 0; j < 3; j++) {
                if (j != i) {
                    assertSameMessages(l.messagesFrom(ts[j].localAddress()), all);
                }
            }
        }
    }

    @Test
    void manyMessagesArriveInSendOrderPerSender() throws Exception {
        RecordingListener lc = new RecordingListener();
        NioTransport c = start(lc);
        NioTransport a = start(new RecordingListener());
        NioTransport b = start(new RecordingListener());
        int n = 20_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> senders = new ArrayList<>();
        for (NioTransport sender : List.of(a, b)) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < n; i++) {
                    sender.send(c.localAddress(), new Heartbeat(i));
                }
            });
            t.start();
            senders.add(t);
        }
        go.countDown();
        for (Thread t : senders) {
            t.join();
        }
        await("all messages", () -> lc.messages().size() == 2 * n);
        for (NioTransport sender : List.of(a, b)) {
            List<ProtocolMessage> got = lc.messagesFrom(sender.localAddress());
            for (int i = 0; i < n; i++) {
                assertThat(((Heartbeat) got.get(i)).incarnation()).isEqualTo(i);
            }
        }
    }

    @Test
    void closedPortIsReportedUnreachableAndBackedOff() throws Exception {
        RecordingListener la = new RecordingListener();
        // A longer backoff than the default 50 ms, so that a stall of this shared machine
        // cannot end it between the two sends below.
        NioTransport a = start(TransportConfig.of("127.0.0.1", 0).withReconnectBackoff(Duration.ofMillis(500)), la);
        String dead = Loopback.closedPort();
        a.send(dead, new Heartbeat(1));
        await("unreachable", () -> la.unreachable().contains(dead));
        assertThat(a.stats().droppedFrames()).isEqualTo(1);

        a.send(dead, new Heartbeat(2)); // within the backoff: dropped, no new attempt
        assertThat(a.stats().droppedFrames()).isEqualTo(2);
        Thread.sleep(600);
        assertThat(la.unreachable()).hasSize(1);
        a.send(dead, new Heartbeat(3)); // after it: a new attempt, reported again
        await("unreachable again", () -> la.unreachable().size() == 2);
        assertThat(a.stats().droppedFrames()).isEqualTo(3);
        assertThat(a.stats().openConnections()).isZero();
    }

    @Test
    void unparseableAddressIsUnreachableNotAnException() {
        RecordingListener la = new RecordingListener();
        NioTransport a = start(la);
        a.send("no-port-here", new Heartbeat(1));
        await("unreachable", () -> la.unreachable().contains("no-port-here"));
    }

    @Test
    void connectionLostIsReportedWhenThePeerCloses() {
        RecordingListener la = new RecordingListener();
        RecordingListener lb = new RecordingListener();
        NioTransport a = start(la);
        NioTransport b = start(lb);
        a.send(b.localAddress(), new Heartbeat(1));
        b.send(a.localAddress(), new Heartbeat(2));
        await("both ways", () -> la.messages().size() == 1 && lb.messages().size() == 1);
        String bAddress = b.localAddress();
        b.close();
        await("connection lost", () -> la.lost().contains(bAddress));
        await("connections closed", () -> a.stats().openConnections() == 0);
        assertThat(la.unreachable()).isEmpty();
        // The next send tries again at once, finds nobody and says so.
        a.send(bAddress, new Heartbeat(3));
        await("unreachable", () -> la.unreachable().contains(bAddress));
    }

    @Test
    void queueOverItsCapDropsAndCountsInsteadOfGrowing() throws Exception {
        // A peer that accepts but never reads: the socket buffers fill, then our queue.
        try (java.net.ServerSocket sink = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            NioTransport a = start(TransportConfig.of("127.0.0.1", 0).withMaxQueuedBytesPerPeer(1 << 20),
                    new RecordingListener());
            String to = "127.0.0.1:" + sink.getLocalPort();
            Data data = new Data("g", 1, SampleMessages.A, 1, 1, DeliveryKind.FIFO.code(), true, new byte[64 * 1024]);
            for (int i = 0; i < 2000; i++) { // 128 MiB offered: far more than socket buffers and the cap
                a.send(to, data);
            }
            await("drops", () -> a.stats().droppedFrames() > 1000);
            assertThat(a.stats().framesOut()).isLessThan(2000);
        }
    }

    @Test
    void closeIsCleanAndIdempotent() {
        RecordingListener la = new RecordingListener();
        NioTransport a = start(la);
        NioTransport b = start(new RecordingListener());
        a.send(b.localAddress(), new Heartbeat(1));
        await("connected", () -> b.stats().framesIn() >= 2);
        String threadName = "vsync-io-" + a.localAddress().substring(a.localAddress().lastIndexOf(':') + 1);
        a.close();
        a.close();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals(threadName));
        long dropped = a.stats().droppedFrames();
        a.send(b.localAddress(), new Heartbeat(2)); // after close: dropped, counted, no exception
        assertThat(a.stats().droppedFrames()).isEqualTo(dropped + 1);
        assertThat(la.lost()).isEmpty(); // no callbacks for our own close
        assertThatThrownBy(a::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void sendBeforeStartIsAnError() {
        NioTransport t = new NioTransport(TransportConfig.of("127.0.0.1", 0), new RecordingListener());
        assertThatThrownBy(() -> t.send("127.0.0.1:1", new Heartbeat(1))).isInstanceOf(IllegalStateException.class);
        t.close();
    }

    @Test
    void callbacksMaySendAndAThrowingListenerDoesNotKillTheTransport() {
        RecordingListener lb = new RecordingListener();
        NioTransport b = start(lb);
        NioTransport[] self = new NioTransport[1];
        NioTransport a = start(new RecordingListener() {
            @Override
            public synchronized void onMessage(String from, ProtocolMessage message) {
                super.onMessage(from, message);
                self[0].send(from, message); // echo from the I/O thread
                throw new IllegalStateException("listener bug");
            }
        });
        self[0] = a;
        b.send(a.localAddress(), new Heartbeat(1));
        b.send(a.localAddress(), new Heartbeat(2));
        await("echoes", () -> lb.messages().size() == 2);
    }

    private static List<ProtocolMessage> withLargestData(List<ProtocolMessage> messages, FrameCodec codec) {
        List<ProtocolMessage> all = new ArrayList<>(messages);
        byte[] payload = new byte[codec.maxDataPayload()];
        new java.util.Random(1).nextBytes(payload);
        all.add(new Data(SampleMessages.LONGEST_UNICODE, 1, SampleMessages.LONGEST, 1, 1, DeliveryKind.FIFO.code(),
                true, payload));
        all.add(new Heartbeat(-1)); // a small frame right behind the large one
        return all;
    }

    static void assertSameMessages(List<ProtocolMessage> got, List<ProtocolMessage> expected) {
        assertThat(got).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(got.get(i)).usingRecursiveComparison().withStrictTypeChecking()
                    .ignoringFields("payload").isEqualTo(expected.get(i));
            if (expected.get(i) instanceof Data d) {
                assertThat(java.util.Arrays.equals(((Data) got.get(i)).payload(), d.payload())).isTrue();
            }
        }
    }
}
