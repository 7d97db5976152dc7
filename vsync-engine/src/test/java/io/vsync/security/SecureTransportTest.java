package io.vsync.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.vsync.api.MemberId;
import io.vsync.message.Commit;
import io.vsync.message.Data;
import io.vsync.message.Decision;
import io.vsync.message.Heartbeat;
import io.vsync.message.JoinProbe;
import io.vsync.message.MessageRef;
import io.vsync.message.OrderToken;
import io.vsync.transport.NioTransport;
import io.vsync.transport.Transport;
import io.vsync.transport.TransportConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two secure transports over loopback TCP, no engine: the handshake, sealing, and what is refused. */
class SecureTransportTest {
    static final String SECRET = "base64:" + Base64.getEncoder().encodeToString(
            "0123456789abcdef0123456789abcdef-test-secret".getBytes(StandardCharsets.UTF_8));
    static final String OTHER_SECRET = "hex:" + "a1".repeat(8) + "b2".repeat(8) + "c3".repeat(8) + "d4".repeat(8);

    private final List<Transport> transports = new ArrayList<>();

    @AfterEach
    void closeAll() {
        transports.forEach(Transport::close);
    }

    record Node(SecureTransport transport, TapTransport tap, Recorder received) {
        String address() {
            return transport.localAddress();
        }
    }

    Node node(String secret) throws IOException {
        return node(secret, 0);
    }

    Node node(String secret, int port) throws IOException {
        Recorder received = new Recorder();
        TapTransport[] tap = new TapTransport[1];
        SecureTransport t = new SecureTransport(SecurityConfig.clusterSecret(secret), TransportConfig.of("127.0.0.1", port),
                received, (config, listener) -> tap[0] = new TapTransport(new NioTransport(config, listener)));
        t.start();
        transports.add(t);
        return new Node(t, tap[0], received);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    static Commit commit(String group, long newViewId, String... addresses) {
        List<MemberId> members = new ArrayList<>();
        for (String a : addresses) {
            members.add(new MemberId(a, 1));
        }
        return new Commit(group, newViewId - 1, new Decision(newViewId, members, List.of(), List.of(), List.of(),
                new long[0], 0));
    }

    static Data data(String group, long viewId, String sender, long seq, String text) {
        return new Data(group, viewId, new MemberId(sender, 1), seq, seq, (byte) 1, true,
                text.getBytes(StandardCharsets.UTF_8));
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Test
    void messagesArriveAuthenticatedFromTheirSenderAndEncryptedOnTheWire() throws Exception {
        Node a = node(SECRET);
        Node b = node(SECRET);
        a.transport().send(b.address(), new Heartbeat(42));
        a.transport().send(b.address(), new JoinProbe("confidential-group", new MemberId(a.address(), 7)));
        await("both arrived", () -> b.received().messages.size() == 2);
        assertThat(b.received().messages).extracting(Recorder.Received::from).containsOnly(a.address());
        assertThat(b.received().messages.get(0).message()).isEqualTo(new Heartbeat(42));
        byte[] name = "confidential-group".getBytes(StandardCharsets.UTF_8);
        assertThat(a.tap().captured).isNotEmpty().noneMatch(c -> contains(c.envelope(), name));
        assertThat(a.transport().securityStats().handshakesCompleted()).isEqualTo(1);
        assertThat(b.transport().securityStats().rejectedFrames()).isZero();
    }

    @Test
    void theLeaderOfANewViewHandsItsKeyToTheMembersBeforeTheCommit() throws Exception {
        Node a = node(SECRET);
        Node b = node(SECRET);
        a.transport().send(List.of(b.address()), commit("g", 2, a.address(), b.address()));
        a.transport().send(List.of(b.address()), data("g", 2, a.address(), 1, "very secret payload"));
        a.transport().send(List.of(b.address()), new OrderToken("g", 2, 1, List.of(new MessageRef(0, 1))));
        await("commit, data and token arrived", () -> b.received().messages.size() == 3);
        assertThat(b.received().messages.get(0).message()).isInstanceOf(Commit.class);
        Data got = (Data) b.received().messages.get(1).message();
        assertThat(new String(got.payload(), StandardCharsets.UTF_8)).isEqualTo("very secret payload");
        assertThat(a.transport().holdsViewKey("g", 2)).isTrue();
        assertThat(b.transport().holdsViewKey("g", 2)).isTrue();
        assertThat(a.transport().securityStats().viewKeysCreated()).isEqualTo(1);
        assertThat(b.transport().securityStats().viewKeysReceived()).isEqualTo(1);
        byte[] secret = "very secret payload".getBytes(StandardCharsets.UTF_8);
        assertThat(a.tap().captured).noneMatch(c -> contains(c.envelope(), secret));
        assertThat(a.tap().captured).anyMatch(c -> SecureTransport.isGroup(c.type()));
    }

    @Test
    void groupTrafficWaitsForItsViewKeyAndKeepsItsSendersOrder() throws Exception {
        Node a = node(SECRET);
        Node b = node(SECRET);
        // b installed view 5 (say, from another member's Commit) before the leader a made its key.
        b.transport().send(a.address(), data("g", 5, b.address(), 1, "early"));
        b.transport().send(a.address(), new Heartbeat(9));
        Thread.sleep(200);
        assertThat(a.received().messages).isEmpty();
        a.transport().send(List.of(b.address()), commit("g", 5, a.address(), b.address()));
        await("the waiting data went out once the key came", () -> a.received().messages.size() == 2);
        assertThat(a.received().messages.get(0).message()).isInstanceOf(Data.class);
        assertThat(a.received().messages.get(1).message()).isEqualTo(new Heartbeat(9));
    }

    @Test
    void groupFramesCarryOneTagOnceThePeerHasShownItHoldsTheViewKey() throws Exception {
        Node a = node(SECRET);
        Node b = node(SECRET);
        a.transport().send(List.of(b.address()), commit("g", 2, a.address(), b.address()));
        await("b has the key", () -> b.transport().holdsViewKey("g", 2));
        b.transport().send(a.address(), data("g", 2, b.address(), 1, "from b")); // a granted it, and b uses it
        await("a got it", () -> a.received().messages.size() == 1);
        for (int i = 1; i <= 3; i++) {
            a.transport().send(b.address(), data("g", 2, a.address(), i, "m" + i));
        }
        await("all arrived", () -> b.received().messages.size() == 4);
        assertThat(b.received().messages.subList(1, 4)).extracting(r -> new String(((Data) r.message()).payload(),
                StandardCharsets.UTF_8)).containsExactly("m1", "m2", "m3");
        assertThat(a.tap().captured).anyMatch(c -> c.type() == SecureTransport.GROUP_DIRECT);
        assertThat(b.transport().securityStats().rejectedFrames()).isZero();
    }

    @Test
    void aOneTagGroupFrameForAViewWhoseKeyTheReceiverLacksIsRejected() throws Exception {
        Node a = node(SECRET);
        Node b = node(SECRET);
        a.transport().send(List.of(b.address()), commit("g", 2, a.address(), b.address()));
        b.transport().send(a.address(), data("g", 2, b.address(), 1, "from b"));
        await("a got it", () -> a.received().messages.size() == 1);
        a.transport().send(List.of(b.address()), data("g", 2, a.address(), 1, "m1"));
        await("b got it", () -> b.received().messages.size() == 2);
        TapTransport.Captured direct = a.tap().captured.stream()
                .filter(c -> c.type() == SecureTransport.GROUP_DIRECT).reduce((x, y) -> y).orElseThrow();
        Node c = node(SECRET); // holds no key of view 2: the frame cannot be authenticated there
        try (RawPeer rogue = new RawPeer(c.address(), a.address())) {
            rogue.sendEnvelope(direct.envelope());
            await("rejected", () -> c.transport().securityStats().unauthenticatedFrames() == 1);
        }
        assertThat(c.received().messages).isEmpty();
    }

    @Test
    void aMulticastSealedOnceAndReplayedOnANewConnectionIsDropped() throws Exception {
        Node a = node(SECRET);
        Node b = node(SECRET);
        Node c = node(SECRET);
        a.transport().send(List.of(b.address(), c.address()), commit("g", 2, a.address(), b.address(), c.address()));
        b.transport().send(a.address(), data("g", 2, b.address(), 1, "from b"));
        c.transport().send(a.address(), data("g", 2, c.address(), 1, "from c"));
        await("a got both", () -> a.received().messages.size() == 2);
        a.transport().send(List.of(b.address(), c.address()), data("g", 2, a.address(), 1, "once"));
        await("b and c got it", () -> b.received().messages.size() == 2 && c.received().messages.size() == 2);
        TapTransport.Captured shared = a.tap().captured.stream()
                .filter(x -> x.type() == SecureTransport.GROUP_SHARED && x.to().equals(b.address()))
                .findFirst().orElseThrow();
        try (RawPeer rogue = new RawPeer(b.address(), a.address())) { // claims a's address on a new connection
            rogue.sendEnvelope(shared.envelope());
            await("dropped as a replay", () -> b.transport().securityStats().replayedFrames() == 1);
        }
        assertThat(b.received().messages).hasSize(2);
    }

    @Test
    void theSecurityStatusShowsModeReasonsAndKeyEpochsAndNoSecret() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            Node a = node(SECRET);
            Node b = node(SECRET);
            a.transport().send(List.of(b.address()), commit("g", 2, a.address(), b.address()));
            a.transport().send(List.of(b.address()), data("g", 2, a.address(), 1, "x"));
            await("arrived", () -> b.received().messages.size() == 2);
            List<TapTransport.Captured> sealed = a.tap().captured.stream()
                    .filter(c -> c.type() == SecureTransport.LINK || SecureTransport.isGroup(c.type())).toList();
            a.tap().replay(sealed.get(sealed.size() - 1));
            byte[] bad = sealed.get(0).envelope().clone();
            bad[bad.length - 1] ^= 1;
            a.tap().replay(new TapTransport.Captured(b.address(), bad));
            await("both rejected", () -> b.transport().securityStats().rejectedFrames() == 2);
            io.vsync.api.SecurityStatus status = b.transport().securityStatus();
            assertThat(status.mode()).isEqualTo(io.vsync.api.SecurityStatus.Mode.SHARED_SECRET);
            assertThat(status.replayed()).isEqualTo(1);
            assertThat(status.authenticationFailed()).isEqualTo(1);
            assertThat(status.rejectedFrames()).isEqualTo(2);
            assertThat(status.viewKeysReceived()).isEqualTo(1);
            assertThat(status.keyEpochs()).containsEntry("g", 2L);
            assertThat(a.transport().securityStatus().handshakesCompleted()).isEqualTo(1);
            String shown = status + " " + a.transport().securityStatus();
            byte[] link = b.transport().receivingSessionKeyForTest(a.address());
            for (String secret : List.of(SECRET, SECRET.substring(7), java.util.HexFormat.of().formatHex(link),
                    java.util.Base64.getEncoder().encodeToString(link))) {
                assertThat(shown).doesNotContain(secret);
                assertThat(logs.lines).noneMatch(l -> l.contains(secret));
            }
        }
    }

    @Test
    void aPeerWithAnotherSecretIsRefusedOnBothSidesAndTheSecretIsNeverLogged() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            Node a = node(SECRET);
            Node rogue = node(OTHER_SECRET);
            rogue.transport().send(a.address(), new Heartbeat(1));
            a.transport().send(rogue.address(), new Heartbeat(2));
            await("both refused", () -> a.transport().securityStats().handshakesRefused() > 0
                    && rogue.transport().securityStats().handshakesRefused() > 0
                    && a.transport().securityStats().refusedByPeers() > 0
                    && rogue.transport().securityStats().refusedByPeers() > 0);
            Thread.sleep(100);
            assertThat(a.received().messages).isEmpty();
            assertThat(rogue.received().messages).isEmpty();
            assertThat(logs.any("refused a handshake from " + rogue.address(), "different vsync cluster secret")).isTrue();
            assertThat(logs.any("peer " + a.address() + " refused our handshake", "does not share this cluster's secret"))
                    .isTrue();
            for (String secret : List.of(SECRET, OTHER_SECRET, SECRET.substring(7), OTHER_SECRET.substring(4))) {
                assertThat(logs.lines).noneMatch(l -> l.contains(secret));
            }
        }
    }

    @Test
    void aPeerWithoutSecurityIsDroppedCountedAndLogged() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            Node a = node(SECRET);
            NioTransport plain = new NioTransport(TransportConfig.of("127.0.0.1", 0), new Recorder());
            plain.start();
            transports.add(plain);
            for (int i = 0; i < 50; i++) {
                plain.send(a.address(), new Heartbeat(i));
            }
            await("dropped", () -> a.transport().securityStats().unauthenticatedFrames() == 50);
            assertThat(a.received().messages).isEmpty();
            assertThat(logs.lines.stream().filter(l -> l.contains("does not use cluster security"))).hasSize(1);
            assertThat(a.transport().stats().malformedFrames()).isGreaterThanOrEqualTo(50);
        }
    }

    @Test
    void tamperedFramesFailAuthentication() throws Exception {
        Node a = node(SECRET);
        Node b = node(SECRET);
        a.transport().send(List.of(b.address()), commit("g", 2, a.address(), b.address()));
        a.transport().send(b.address(), data("g", 2, a.address(), 1, "payload"));
        a.transport().send(b.address(), new Heartbeat(3));
        await("arrived", () -> b.received().messages.size() == 3);
        int flips = 0;
        for (TapTransport.Captured c : new ArrayList<>(a.tap().captured)) {
            if (c.type() != SecureTransport.LINK && !SecureTransport.isGroup(c.type())) {
                continue;
            }
            for (int i = 19; i < c.envelope().length; i += 7) { // past the session id and sequence number
                byte[] bad = c.envelope().clone();
                bad[i] ^= 0x10;
                a.tap().replay(new TapTransport.Captured(c.to(), bad));
                flips++;
            }
        }
        int expected = flips;
        await("all failed", () -> b.transport().securityStats().rejectedFrames() == expected);
        assertThat(b.received().messages).hasSize(3);
    }

    @Test
    void replaysAreDroppedOnTheSameConnectionAndOnANewOne() throws Exception {
        Node a = node(SECRET);
        Node b = node(SECRET);
        a.transport().send(List.of(b.address()), commit("g", 2, a.address(), b.address()));
        for (int i = 1; i <= 5; i++) {
            a.transport().send(b.address(), data("g", 2, a.address(), i, "m" + i));
        }
        await("arrived", () -> b.received().messages.size() == 6);
        List<TapTransport.Captured> sealed = a.tap().captured.stream()
                .filter(c -> c.type() == SecureTransport.LINK || SecureTransport.isGroup(c.type())).toList();
        for (TapTransport.Captured c : sealed) {
            a.tap().replay(c); // same connection
        }
        await("replays on the same connection dropped",
                () -> b.transport().securityStats().replayedFrames() == sealed.size());
        try (RawPeer rogue = new RawPeer(b.address(), a.address())) { // a new connection, claiming to be a
            for (TapTransport.Captured c : sealed) {
                rogue.sendEnvelope(c.envelope());
            }
            await("replays on a new connection dropped",
                    () -> b.transport().securityStats().replayedFrames() == 2L * sealed.size());
        }
        assertThat(b.received().messages).hasSize(6);
    }

    @Test
    void aReplayedHandshakeOpensNothing() throws Exception {
        Node a = node(SECRET);
        Node b = node(SECRET);
        a.transport().send(b.address(), new Heartbeat(1));
        await("arrived", () -> b.received().messages.size() == 1);
        byte[] offer = a.tap().captured.stream().filter(c -> c.type() == SecureTransport.OFFER).findFirst()
                .orElseThrow().envelope();
        try (RawPeer rogue = new RawPeer(b.address(), a.address())) {
            rogue.sendEnvelope(offer); // b answers a fresh nonce to the real a, which ignores it
            Thread.sleep(100);
            a.transport().send(b.address(), new Heartbeat(2)); // the real session still works
            await("still flowing", () -> b.received().messages.size() == 2);
        }
        assertThat(a.transport().securityStats().handshakesCompleted()).isEqualTo(1);
    }

    @Test
    void aRestartedPeerGetsANewSessionWithoutHelp() throws Exception {
        Node a = node(SECRET);
        Node b = node(SECRET);
        int port = Integer.parseInt(b.address().substring(b.address().lastIndexOf(':') + 1));
        a.transport().send(b.address(), new Heartbeat(1));
        await("arrived", () -> b.received().messages.size() == 1);
        b.transport().close();
        Node b2 = node(SECRET, port);
        await("a reaches the new b", () -> {
            a.transport().send(b2.address(), new Heartbeat(2));
            return !b2.received().messages.isEmpty();
        });
        assertThat(a.transport().securityStats().handshakesCompleted()).isGreaterThanOrEqualTo(2);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
