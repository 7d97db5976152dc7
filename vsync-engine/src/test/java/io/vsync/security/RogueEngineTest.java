package io.vsync.security;

import static io.vsync.security.Cluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vsync.api.GroupStatus;
import io.vsync.api.MemberId;
import io.vsync.message.Commit;
import io.vsync.message.Data;
import io.vsync.message.Decision;
import io.vsync.message.LeaveRequest;
import io.vsync.message.OrderToken;
import io.vsync.message.ProtocolMessage;
import io.vsync.message.Suspicion;
import io.vsync.security.Cluster.Member;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real rogue processes against a secure group: one with another secret, one without
 * security, a raw injector claiming a member's address, one that replays captured traffic, and
 * a former member. None gets in, none disturbs the group, and the members' histories pass the
 * checker.
 */
class RogueEngineTest {
    private static final String GROUP = "kv";
    private final Cluster cluster = new Cluster();

    @AfterEach
    void close() {
        cluster.close();
    }

    /** Members a, b (and c when three) in one view of GROUP, recording history. */
    private List<Member> group(List<String> addresses, int size) throws Exception {
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            members.add(cluster.secure(addresses.get(i), addresses, SecureTransportTest.SECRET, true));
        }
        for (Member m : members) {
            m.group(GROUP).join();
        }
        await("one view of " + size, () -> members.stream().allMatch(m -> m.group.view().size() == size));
        return members;
    }

    @Test
    void aProcessWithAnotherSecretCannotJoinAndBothSidesSaySo() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            List<String> addresses = Cluster.freeAddresses(3);
            List<Member> members = group(addresses, 2);
            long view = members.get(0).group.view().id();
            Member rogue = cluster.secure(addresses.get(2), addresses, SecureTransportTest.OTHER_SECRET, false);
            rogue.group(GROUP).joinAsync();
            Thread.sleep(3000);
            assertThat(rogue.group.status()).isNotEqualTo(GroupStatus.MEMBER);
            for (Member m : members) {
                assertThat(m.group.view().id()).isEqualTo(view);
                assertThat(m.transport.securityStats().handshakesRefused()).isPositive();
            }
            assertThat(rogue.transport.securityStats().refusedByPeers()).isPositive();
            assertThat(rogue.received.messages).isEmpty();
            assertThat(logs.any("refused a handshake from " + rogue.address, "different vsync cluster secret")).isTrue();
            assertThat(logs.any("peer " + members.get(0).address + " refused our handshake", "cluster's secret")).isTrue();
            Cluster.traffic(members, "after", 20);
            await("delivered", () -> members.stream().allMatch(m -> m.delivered.size() == 20));
            cluster.assertHistoryPasses(GROUP, members);
        }
    }

    @Test
    void aProcessWithoutSecurityCannotJoinInjectOrMakeMembersSuspectEachOther() throws Exception {
        List<String> addresses = Cluster.freeAddresses(4);
        List<Member> members = group(addresses, 3);
        Member a = members.get(0);
        Member b = members.get(1);
        long view = a.group.view().id();
        Member plain = cluster.plain(addresses.get(3), addresses);
        plain.group(GROUP).joinAsync();

        // A raw process that claims to be b and speaks the plain protocol to the leader a.
        MemberId bId = b.group.self();
        MemberId cId = members.get(2).group.self();
        try (RawPeer injector = new RawPeer(a.address, b.address)) {
            List<ProtocolMessage> forged = List.of(
                    new Suspicion(GROUP, view, cId),
                    new LeaveRequest(GROUP, view, cId),
                    new Commit(GROUP, view, new Decision(view + 1, List.of(a.group.self(), bId), List.of(), List.of(),
                            List.of(cId), new long[] {0, 0, 0}, 0)),
                    new Data(GROUP, view, bId, 1_000_000, 1_000_000, (byte) 1, true, new byte[] {1, 2, 3}),
                    new OrderToken(GROUP, view, 1, List.of()));
            for (int round = 0; round < 20; round++) {
                for (ProtocolMessage m : forged) {
                    injector.send(m);
                }
                // Envelopes that look secure but are not: garbage, and a sealed frame of a made-up session.
                injector.sendEnvelope(new byte[] {0x53, 1, SecureTransport.LINK, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0,
                        0, 0, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17});
                injector.sendEnvelope(new byte[] {0x53, 9, 9});
            }
            await("all dropped", () -> a.transport.securityStats().unauthenticatedFrames() >= 20 * 6);
        }
        Thread.sleep(2000);
        assertThat(plain.group.status()).isNotEqualTo(GroupStatus.MEMBER);
        for (Member m : members) {
            assertThat(m.group.view().id()).as("no view change at " + m.address).isEqualTo(view);
            assertThat(m.group.view().size()).isEqualTo(3);
        }
        assertThat(a.transport.securityStats().malformedEnvelopes()).isGreaterThanOrEqualTo(20);
        Cluster.traffic(members, "after", 30);
        await("delivered", () -> members.stream().allMatch(m -> m.delivered.size() == 30));
        assertThat(members.get(1).delivered).isEqualTo(a.delivered);
        cluster.assertHistoryPasses(GROUP, members);
    }

    @Test
    void capturedTrafficReplayedOnTheSameOrANewConnectionIsRejected() throws Exception {
        List<String> addresses = Cluster.freeAddresses(3);
        List<Member> members = group(addresses, 3);
        Member a = members.get(0);
        Member b = members.get(1);
        Member c = members.get(2);
        Cluster.traffic(members, "first", 60);
        await("delivered", () -> members.stream().allMatch(m -> m.delivered.size() == 60));
        List<TapTransport.Captured> toB = a.tap.captured.stream().filter(x -> x.to().equals(b.address)
                && (x.type() == SecureTransport.LINK || SecureTransport.isGroup(x.type()))).toList();
        assertThat(toB).hasSizeGreaterThan(30);
        for (TapTransport.Captured x : toB) {
            a.tap.replay(x); // on a's own connection to b, as a man in the middle would
        }
        try (RawPeer rogue = new RawPeer(b.address, a.address); RawPeer other = new RawPeer(c.address, a.address)) {
            for (TapTransport.Captured x : toB) {
                rogue.sendEnvelope(x.envelope()); // on a new connection, claiming to be a
                other.sendEnvelope(x.envelope()); // to a member the frames were not for
            }
        }
        await("replays counted", () -> b.transport.securityStats().rejectedFrames() >= 2L * toB.size());
        Cluster.traffic(members, "second", 60);
        await("delivered", () -> members.stream().allMatch(m -> m.delivered.size() == 120));
        assertThat(b.delivered).isEqualTo(a.delivered);
        assertThat(c.delivered).isEqualTo(a.delivered);
        assertThat(b.transport.securityStats().replayedFrames()).isEqualTo(2L * toB.size());
        assertThat(c.transport.securityStats().unauthenticatedFrames()).isGreaterThan(0);
        cluster.assertHistoryPasses(GROUP, members);
    }

    @Test
    void aFormerMemberCannotReadTheNextViewsTraffic() throws Exception {
        List<String> addresses = Cluster.freeAddresses(3);
        List<Member> members = group(addresses, 3);
        cluster.assertAFormerMemberCannotReadTheNextView(GROUP, members);
    }
}
