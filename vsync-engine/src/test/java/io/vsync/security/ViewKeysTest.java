package io.vsync.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.vsync.message.Data;
import io.vsync.message.Heartbeat;
import io.vsync.message.ProtocolMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViewKeysTest {

    @Test
    void aMemberWhoseGrantWasLostAsksForTheKeyWhenOneTagTrafficArrives() throws Exception {
        SecureFramePropertyTest.Pair p = new SecureFramePropertyTest.Pair();
        try {
            String a = p.wireA.address;
            String b = p.wireB.address;
            p.a.send(b, new Heartbeat(1));
            p.b.send(a, new Heartbeat(2));
            p.pump(); // both sessions up
            p.a.send(List.of(b), SecureTransportTest.commit("g", 2, a, b)); // the grant goes first, then the Commit
            List<Object[]> out = p.wireA.take();
            assertThat(out).hasSize(2);
            p.wireB.listener.onMessage(a, (ProtocolMessage) out.get(1)[1]); // the grant is lost, the Commit arrives
            assertThat(p.b.holdsViewKey("g", 2)).isFalse();

            p.a.send(b, SecureTransportTest.data("g", 2, a, 1, "m1")); // a believes b holds the key: one tag
            List<Object[]> direct = p.wireA.take();
            assertThat(((Data) direct.get(0)[1]).payload()[2]).isEqualTo((byte) SecureTransport.GROUP_DIRECT);
            p.wireB.listener.onMessage(a, (ProtocolMessage) direct.get(0)[1]);
            assertThat(p.b.securityStats().unauthenticatedFrames()).isEqualTo(1);
            p.pump(); // b asks a for the key, a grants it
            assertThat(p.b.holdsViewKey("g", 2)).isTrue();

            p.a.send(b, SecureTransportTest.data("g", 2, a, 1, "m1")); // the engine's retransmission
            p.pump();
            assertThat(p.atB.messages).extracting(r -> r.message().getClass().getSimpleName())
                .containsExactly("Heartbeat", "Commit", "Data");
        } finally {
            p.close();
        }
    }
}
