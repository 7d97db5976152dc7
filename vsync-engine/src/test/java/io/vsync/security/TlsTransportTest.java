package io.vsync.security;

import static io.vsync.security.Cluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vsync.api.MemberId;
import io.vsync.message.Data;
import io.vsync.message.ProtocolMessage;
import io.vsync.transport.NioTransport;
import io.vsync.transport.TransportConfig;
import io.vsync.transport.TransportListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The TCP transport with TLS alone (no layer above): frames of every size arrive whole and
 * in order, including frames far larger than a TLS record and than the read buffer, which
 * exercise the record splitting, partial records (underflow) and full buffers (overflow),
 * while the other direction's handshake must still be answered during the flood.
 */
class TlsTransportTest {
    private final TestPki pki = TestPki.get();
    private NioTransport a;
    private NioTransport b;

    @AfterEach
    void close() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    static final class Sink implements TransportListener {
        final List<ProtocolMessage> got = new CopyOnWriteArrayList<>();

        @Override
        public void onMessage(String fromAddress, ProtocolMessage message) {
            got.add(message);
        }

        @Override
        public void onPeerUnreachable(String address) {
        }

        @Override
        public void onConnectionLost(String address) {
        }
    }

    @Test
    void framesOfEverySizeArriveWholeAndInOrderOverTls() throws Exception {
        TlsConfig ta = pki.config(pki.member);
        TlsConfig tb = pki.config(pki.member);
        TransportConfig config = TransportConfig.of("127.0.0.1", 0).withBufferSizes(4096, 8192);
        Sink sinkA = new Sink();
        Sink sinkB = new Sink();
        a = new NioTransport(config, sinkA, ta.transportTls());
        b = new NioTransport(config, sinkB, tb.transportTls());
        a.start();
        b.start();
        int[] sizes = {0, 1, 100, 4095, 4096, 16 * 1024, 16 * 1024 + 1, 100_000, 1 << 20, 7, 1000};
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < sizes.length; i++) {
                byte[] payload = new byte[sizes[i]];
                for (int j = 0; j < payload.length; j++) {
                    payload[j] = (byte) (j * 31 + i);
                }
                a.send(b.localAddress(), new Data("g", 1, new MemberId(a.localAddress(), 1), round * 100 + i, 0,
                        (byte) 0, true, payload));
            }
        }
        b.send(a.localAddress(), new Data("g", 1, new MemberId(b.localAddress(), 1), 1, 0, (byte) 0, true, new byte[10]));
        try {
            await("everything arrived", () -> sinkB.got.size() == 3 * sizes.length && sinkA.got.size() == 1);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": b got " + sinkB.got.size() + ", a got " + sinkA.got.size() + " "
                    + ta.stats() + " " + tb.stats() + " " + a.stats() + " " + b.stats());
        }
        for (int k = 0; k < sinkB.got.size(); k++) {
            Data d = (Data) sinkB.got.get(k);
            int i = k % sizes.length;
            assertThat(d.seq()).isEqualTo((k / sizes.length) * 100 + i);
            assertThat(d.payload()).hasSize(sizes[i]);
            for (int j = 0; j < d.payload().length; j += 997) {
                assertThat(d.payload()[j]).isEqualTo((byte) (j * 31 + i));
            }
        }
        assertThat(ta.stats().handshakesCompleted()).isEqualTo(2); // a dialled b, b's dial was accepted by a
        assertThat(tb.stats().handshakesCompleted()).isEqualTo(2);
        assertThat(ta.stats().refused() + tb.stats().refused()).isZero();
        assertThat(a.stats().malformedFrames() + b.stats().malformedFrames()).isZero();
    }
}
