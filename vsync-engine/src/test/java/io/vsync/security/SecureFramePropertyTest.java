package io.vsync.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.vsync.message.Data;
import io.vsync.message.Heartbeat;
import io.vsync.message.ProtocolMessage;
import io.vsync.transport.Transport;
import io.vsync.transport.TransportConfig;
import io.vsync.transport.TransportListener;
import io.vsync.transport.TransportStats;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Seeded property tests of the secure frame opener, without sockets: whatever arrives, nothing
 * escapes, nothing unauthenticated reaches the engine, and every rejection is counted. Each
 * test prints its seed; replay one with {@code -Dvsync.seed=<seed>}.
 */
class SecureFramePropertyTest {
    private Random rnd;

    @BeforeEach
    void seed(TestInfo info) {
        long seed = Long.getLong("vsync.seed", System.nanoTime());
        System.out.println(info.getDisplayName() + " seed=" + seed + " (replay with -Dvsync.seed=" + seed + ")");
        rnd = new Random(seed);
    }

    /** An inner transport that is a pair of in-memory queues: what is sent is kept for the test to deliver. */
    static final class Wire implements Transport {
        final String address;
        final List<Object[]> sent = new ArrayList<>();
        TransportListener listener;

        Wire(String address) {
            this.address = address;
        }

        @Override
        public void start() {
        }

        @Override
        public String localAddress() {
            return address;
        }

        @Override
        public synchronized void send(String toAddress, ProtocolMessage message) {
            sent.add(new Object[] {toAddress, message});
        }

        @Override
        public void send(Collection<String> toAddresses, ProtocolMessage message) {
            toAddresses.forEach(a -> send(a, message));
        }

        synchronized List<Object[]> take() {
            List<Object[]> out = new ArrayList<>(sent);
            sent.clear();
            return out;
        }

        @Override
        public TransportStats stats() {
            return new TransportStats(0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        public void close() {
        }
    }

    /** Two secure transports joined by in-memory wires; {@link #pump()} carries frames across. */
    static final class Pair {
        final Wire wireA = new Wire("10.0.0.1:1");
        final Wire wireB = new Wire("10.0.0.2:2");
        final Recorder atA = new Recorder();
        final Recorder atB = new Recorder();
        final SecureTransport a;
        final SecureTransport b;
        final List<byte[]> sealedAtoB = new ArrayList<>();

        Pair() throws Exception {
            SecurityConfig config = SecurityConfig.clusterSecret(SecureTransportTest.SECRET);
            a = new SecureTransport(config, TransportConfig.of("10.0.0.1", 1), atA, (c, l) -> {
                wireA.listener = l;
                return wireA;
            });
            b = new SecureTransport(config, TransportConfig.of("10.0.0.2", 2), atB, (c, l) -> {
                wireB.listener = l;
                return wireB;
            });
            a.start();
            b.start();
        }

        void pump() {
            for (int round = 0; round < 10; round++) {
                List<Object[]> fromA = wireA.take();
                List<Object[]> fromB = wireB.take();
                if (fromA.isEmpty() && fromB.isEmpty()) {
                    return;
                }
                for (Object[] f : fromA) {
                    byte[] envelope = ((Data) f[1]).payload();
                    if (envelope[2] == SecureTransport.LINK || SecureTransport.isGroup(envelope[2])) {
                        sealedAtoB.add(envelope.clone());
                    }
                    wireB.listener.onMessage(wireA.address, (ProtocolMessage) f[1]);
                }
                for (Object[] f : fromB) {
                    wireA.listener.onMessage(wireB.address, (ProtocolMessage) f[1]);
                }
            }
        }

        void close() {
            a.close();
            b.close();
        }
    }

    static Data envelope(byte[] bytes) {
        return new Data(SecureTransport.TUNNEL_GROUP, 0, SecureTransport.TUNNEL_SENDER, 0, 0, (byte) 0, true, bytes);
    }

    @Test
    void arbitraryEnvelopesAreDroppedAndCounted() throws Exception {
        Pair p = new Pair();
        try {
            p.a.send(p.wireB.address, new Heartbeat(1));
            p.pump();
            assertThat(p.atB.messages).hasSize(1);
            int sent = 0;
            for (int i = 0; i < 20_000; i++) {
                byte[] bytes = new byte[rnd.nextInt(200)];
                rnd.nextBytes(bytes);
                if (bytes.length >= 3 && rnd.nextInt(4) > 0) { // mostly plausible headers, to get past the magic
                    bytes[0] = SecureTransport.MAGIC;
                    bytes[1] = SecureTransport.VERSION;
                    bytes[2] = (byte) (1 + rnd.nextInt(SecureTransport.GROUP_SHARED));
                }
                p.wireB.listener.onMessage(p.wireA.address, envelope(bytes));
                sent++;
            }
            p.pump(); // answers to whatever looked like handshakes
            SecurityStats s = p.b.securityStats();
            assertThat(p.atB.messages).hasSize(1);
            assertThat(s.rejectedFrames() + s.handshakesRefused()).isGreaterThanOrEqualTo(sent - 100);
        } finally {
            p.close();
        }
    }

    @Test
    void everyCorruptionOfASealedFrameIsRejected() throws Exception {
        Pair p = new Pair();
        try {
            p.a.send(List.of(p.wireB.address), SecureTransportTest.commit("g", 2, p.wireA.address, p.wireB.address));
            for (int i = 1; i <= 20; i++) {
                p.a.send(p.wireB.address, SecureTransportTest.data("g", 2, p.wireA.address, i, "m" + i));
                p.a.send(p.wireB.address, new Heartbeat(i));
            }
            p.pump();
            assertThat(p.atB.messages).hasSize(41);
            List<byte[]> originals = new ArrayList<>(p.sealedAtoB);
            long before = p.b.securityStats().rejectedFrames();
            int tries = 0;
            for (int i = 0; i < 5_000; i++) {
                byte[] frame = originals.get(rnd.nextInt(originals.size())).clone();
                switch (rnd.nextInt(4)) {
                    case 0 -> frame[3 + rnd.nextInt(frame.length - 3)] ^= (byte) (1 << rnd.nextInt(8)); // a bit flip
                    case 1 -> frame = java.util.Arrays.copyOf(frame, 3 + rnd.nextInt(frame.length - 3)); // truncation
                    case 2 -> { // a longer frame
                        frame = java.util.Arrays.copyOf(frame, frame.length + 1 + rnd.nextInt(16));
                    }
                    default -> { } // an exact replay
                }
                p.wireB.listener.onMessage(p.wireA.address, envelope(frame));
                tries++;
            }
            p.pump();
            assertThat(p.atB.messages).as("nothing corrupted or replayed got through").hasSize(41);
            assertThat(p.b.securityStats().rejectedFrames() - before).isEqualTo(tries);
            p.a.send(p.wireB.address, new Heartbeat(99)); // and the session still works
            p.pump();
            assertThat(p.atB.messages).hasSize(42);
        } finally {
            p.close();
        }
    }
}
