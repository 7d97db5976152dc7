package io.vsync.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.vsync.message.ProtocolMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Multicasts sealed once under the sender's K_sv ({@link Wire#GROUP_SHARED}), over in-memory
 * wires on the test's thread: who gets them, and what a replay, a forgery or a second sender
 * cannot do.
 */
class SharedSealTest {
    private Mesh mesh;
    private String a;
    private String b;
    private String c;

    /** a, b and c in view 2 of "g", a the leader; b and c have shown a they hold the key. */
    @BeforeEach
    void viewWithKey() throws Exception {
        mesh = Mesh.threeInViewWithKey();
        List<String> all = mesh.addresses();
        a = all.get(0);
        b = all.get(1);
        c = all.get(2);
    }

    @AfterEach
    void close() {
        mesh.close();
    }

    private String lastText(String at) {
        List<ProtocolMessage> got = mesh.inbox(at).messages;
        return Mesh.text(got.get(got.size() - 1));
    }

    /** The counter of a GROUP_SHARED envelope: after the header, the group name and the view id. */
    private static long counter(byte[] envelope) {
        int at = Wire.HEADER + 1 + envelope[Wire.HEADER] + 8;
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (envelope[at + i] & 0xFF);
        }
        return v;
    }

    private Mesh.Sent multicastFromA(String text) {
        mesh.node(a).send(List.of(b, c), SecureTransportTest.data("g", 2, a, 10, text));
        mesh.pump();
        List<Mesh.Sent> shared = mesh.sentBy(a, Wire.GROUP_SHARED);
        return shared.get(shared.size() - 1);
    }

    @Test
    void aMulticastToPeersThatHoldTheViewKeyIsSealedOnceAndOpensAtEach() {
        multicastFromA("to both");
        List<Mesh.Sent> shared = mesh.sentBy(a, Wire.GROUP_SHARED);
        assertThat(shared).extracting(Mesh.Sent::to).containsExactlyInAnyOrder(b, c);
        assertThat(shared.get(0).envelope()).isEqualTo(shared.get(1).envelope());
        assertThat(mesh.sent).noneMatch(s -> s.type() == Wire.GROUP || s.type() == Wire.GROUP_DIRECT);
        for (String o : List.of(b, c)) {
            assertThat(lastText(o)).isEqualTo("to both");
            assertThat(mesh.node(o).securityStats().rejectedFrames()).isZero();
        }
        assertThat(SecureTransportTest.contains(shared.get(0).envelope(), "to both".getBytes(StandardCharsets.UTF_8)))
                .isFalse();
    }

    @Test
    void aReplayedSharedFrameIsDroppedAsAReplay() {
        Mesh.Sent frame = multicastFromA("once");
        int before = mesh.inbox(b).messages.size();
        mesh.inject(a, b, frame.envelope());
        assertThat(mesh.inbox(b).messages).hasSize(before);
        assertThat(mesh.node(b).securityStats().replayedFrames()).isEqualTo(1);
        // An older frame after a newer one is a replay too: numbers only go up per sender and view.
        multicastFromA("newer");
        mesh.inject(a, c, frame.envelope());
        assertThat(mesh.node(c).securityStats().replayedFrames()).isEqualTo(1);
        assertThat(mesh.inbox(c).messages).extracting(Mesh::text).containsOnlyOnce("once");
    }

    @Test
    void aSharedFrameArrivingAsAnotherSendersDoesNotAuthenticate() {
        Mesh.Sent frame = multicastFromA("from a");
        int before = mesh.inbox(b).messages.size();
        mesh.inject(c, b, frame.envelope()); // c's address: opened with c's K_sv, which is another key
        assertThat(mesh.inbox(b).messages).hasSize(before);
        assertThat(mesh.node(b).securityStats().unauthenticatedFrames()).isEqualTo(1);
    }

    @Test
    void everyAlteredByteOfASharedFrameIsRejectedAndCounted() {
        byte[] good = multicastFromA("intact").envelope();
        int before = mesh.inbox(b).messages.size();
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x40;
            mesh.inject(a, b, bad);
        }
        assertThat(mesh.inbox(b).messages).hasSize(before);
        assertThat(mesh.node(b).securityStats().rejectedFrames()).isEqualTo(good.length);
    }

    @Test
    void twoSendersInOneViewSealUnderDifferentKeysSoTheirNumbersNeverShareANonce() {
        multicastFromA("from a"); // now b and c know a holds the key, so they seal for a once too
        mesh.node(b).send(List.of(a, c), SecureTransportTest.data("g", 2, b, 2, "from b"));
        mesh.node(c).send(List.of(a, b), SecureTransportTest.data("g", 2, c, 2, "from c"));
        mesh.pump();
        byte[] fromA = mesh.sentBy(a, Wire.GROUP_SHARED).get(0).envelope();
        List<byte[]> firsts = new ArrayList<>();
        for (String sender : List.of(a, b, c)) {
            firsts.add(mesh.sentBy(sender, Wire.GROUP_SHARED).get(0).envelope());
        }
        assertThat(firsts).allMatch(e -> counter(e) == 1); // the same number: safe only because the keys differ
        assertThat(lastText(a)).isEqualTo("from c");
        SecureTransport reader = mesh.node(b);
        byte[] aPublic = mesh.node(a).publicKey();
        byte[] cPublic = mesh.node(c).publicKey();
        assertThat(reader.tryReadCaptured(fromA, null, a, aPublic)).isNotNull();
        assertThat(reader.tryReadCaptured(fromA, null, c, cPublic)).as("c's key opens nothing a sealed").isNull();
        assertThat(reader.tryReadCaptured(fromA, null, a, cPublic)).as("bound to the sender's process key").isNull();
    }

    @Test
    void aPeerNotKnownToHoldTheKeyGetsAFrameOfItsOwnSessionWithALinkTag() {
        // b was granted the key by a, but has no proof that a or c hold it: both get two-tag frames.
        mesh.node(b).send(List.of(a, c), SecureTransportTest.data("g", 2, b, 2, "b first"));
        mesh.pump();
        assertThat(mesh.sentBy(b, Wire.GROUP)).extracting(Mesh.Sent::to).containsExactlyInAnyOrder(a, c);
        assertThat(mesh.sentBy(b, Wire.GROUP_SHARED)).isEmpty();
        multicastFromA("a sealed with the key"); // now b knows a holds it; of c it still knows nothing
        mesh.sent.clear();
        mesh.node(b).send(List.of(a, c), SecureTransportTest.data("g", 2, b, 3, "b second"));
        mesh.pump();
        assertThat(mesh.sentBy(b, Wire.GROUP_SHARED)).extracting(Mesh.Sent::to).containsExactly(a);
        assertThat(mesh.sentBy(b, Wire.GROUP)).extracting(Mesh.Sent::to).containsExactly(c);
        for (String o : List.of(a, c)) {
            assertThat(lastText(o)).isEqualTo("b second");
        }
    }

    @Test
    void aSendersCounterGoesOnWhenAnotherViewIsForgotten() {
        long first = counter(multicastFromA("before").envelope());
        // Views of another group come and go: view keys are forgotten (the derived-key caches purge).
        for (long view = 2; view <= 2 + GroupKeys.VIEWS_KEPT + 1; view++) {
            mesh.node(a).send(List.of(b, c), SecureTransportTest.commit("h", view, a, b, c));
            mesh.pump();
        }
        assertThat(mesh.node(a).holdsViewKey("h", 2)).isFalse();
        long after = counter(multicastFromA("after").envelope());
        assertThat(after).isEqualTo(first + 1); // never again 1 under the same key
        assertThat(lastText(b)).isEqualTo("after");
    }
}
