package io.vsync.transport;

import static io.vsync.transport.RecordingListener.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vsync.api.DeliveryKind;
import io.vsync.codec.SampleMessages;
import io.vsync.message.Data;
import io.vsync.message.Heartbeat;
import io.vsync.message.ProtocolMessage;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Short loopback sanity runs that print figures; they assert only that nothing was lost, never
 * a speed (the machine is shared). Not a benchmark: see {@code bin/vsync perf} for that.
 */
class LoopbackSanityTest {
    private static final int PAYLOAD_BYTES = 1000;
    /** Messages in flight at most, well under the per-peer queue cap, so nothing is dropped. */
    private static final long WINDOW = 20_000;

    @Test
    void throughputOf1000ByteDataFrames() {
        runThroughput(1);
    }

    @Test
    void throughputOfMulticastToTwoPeers() {
        runThroughput(2);
    }

    @Test
    void roundTripLatency() throws Exception {
        SynchronousQueue<ProtocolMessage> replies = new SynchronousQueue<>();
        NioTransport[] echo = new NioTransport[1];
        NioTransport b = Loopback.start(new RecordingListener() {
            @Override
            public void onMessage(String from, ProtocolMessage message) {
                echo[0].send(from, message);
            }
        });
        echo[0] = b;
        NioTransport a = Loopback.start(new RecordingListener() {
            @Override
            public void onMessage(String from, ProtocolMessage message) {
                try {
                    replies.put(message);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        try {
            int n = 5000;
            long[] rtt = new long[n];
            for (int i = -1000; i < n; i++) { // the first thousand warm up
                long t0 = System.nanoTime();
                a.send(b.localAddress(), new Heartbeat(i));
                assertThat(replies.poll(5, TimeUnit.SECONDS)).isEqualTo(new Heartbeat(i));
                if (i >= 0) {
                    rtt[i] = System.nanoTime() - t0;
                }
            }
            Arrays.sort(rtt);
            System.out.printf("loopback round trip (Heartbeat, send->echo->receive): p50 %d us, p99 %d us%n",
                    rtt[n / 2] / 1000, rtt[n * 99 / 100] / 1000);
        } finally {
            a.close();
            b.close();
        }
    }

    private void runThroughput(int receivers) {
        AtomicLong received = new AtomicLong();
        TransportListener counting = new RecordingListener() {
            @Override
            public void onMessage(String from, ProtocolMessage message) {
                received.incrementAndGet();
            }
        };
        NioTransport a = Loopback.start(new RecordingListener());
        List<NioTransport> peers = receivers == 1 ? List.of(Loopback.start(counting))
                : List.of(Loopback.start(counting), Loopback.start(counting));
        List<String> to = peers.stream().map(NioTransport::localAddress).toList();
        try {
            send(a, to, received, 20_000, 0); // warm-up
            long t0 = System.nanoTime();
            long sent = send(a, to, received, Long.MAX_VALUE, TimeUnit.SECONDS.toNanos(2));
            long seconds = System.nanoTime() - t0;
            double perSecond = received.get() * 1e9 / seconds / receivers;
            System.out.printf("loopback %d-byte Data to %d peer(s): %.0f msgs/s per peer (%.1f MB/s payload), "
                            + "%d msgs sent%n", PAYLOAD_BYTES, receivers, perSecond, perSecond * PAYLOAD_BYTES / 1e6,
                    sent);
            assertThat(a.stats().droppedFrames()).isZero();
            assertThat(a.stats().malformedFrames()).isZero();
        } finally {
            a.close();
            peers.forEach(NioTransport::close);
        }
    }

    /** Sends for a while (or a count), keeping at most WINDOW messages in flight, then waits for all. */
    private static long send(NioTransport a, List<String> to, AtomicLong received, long count, long nanos) {
        received.set(0);
        long deadline = System.nanoTime() + nanos;
        long sent = 0;
        byte[] payload = new byte[PAYLOAD_BYTES];
        while (sent < count && (nanos == 0 || System.nanoTime() < deadline)) {
            if (sent - received.get() / to.size() >= WINDOW) {
                LockSupport.parkNanos(20_000);
                continue;
            }
            sent++;
            Data data = new Data("bench", 1, SampleMessages.A, sent, sent, DeliveryKind.FIFO.code(), true, payload);
            if (to.size() == 1) {
                a.send(to.get(0), data);
            } else {
                a.send(to, data);
            }
        }
        long total = sent * to.size();
        await("everything received", () -> received.get() == total);
        return sent;
    }
}
