package io.vsync.security;

import static io.vsync.security.Cluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vsync.api.GroupStatus;
import io.vsync.api.VsyncEngine;
import io.vsync.runtime.NioVsyncEngine;
import io.vsync.security.Cluster.Member;
import io.vsync.security.Cluster.Put;
import io.vsync.transport.NioTransport;
import io.vsync.transport.TlsStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Engines whose connections run TLS with mutual authentication (certificates made by
 * {@link TestPki}), with the per-view group keys on top: they form groups and deliver one
 * order; a process whose certificate the cluster does not trust, one whose certificate names
 * another address, and one without TLS are refused, counted, and both sides say why; a
 * removed member, still holding a valid certificate, cannot read the next view.
 */
class TlsClusterTest {
    private static final String GROUP = "kv";
    private final Cluster cluster = new Cluster();
    private final TestPki pki = TestPki.get();

    @AfterEach
    void close() {
        cluster.close();
    }

    /** A TLS engine (no cluster secret) whose layers the test can see. */
    private Member tls(String address, List<String> seeds, TlsConfig tls, boolean recordHistory) {
        SecurityConfig config = SecurityConfig.tls(tls);
        Member[] holder = new Member[1];
        NioVsyncEngine.Builder b = builder(address, seeds).transport((c, l) -> {
            Member m = holder[0];
            m.received = new Recorder(l);
            m.transport = new SecureTransport(config, c, m.received,
                    (c2, l2) -> m.tap = new TapTransport(new NioTransport(c2, l2, tls.transportTls())));
            return m.transport;
        });
        if (recordHistory) {
            b.historyListener(cluster.history);
        }
        VsyncEngine engine = b.build();
        holder[0] = new Member(engine, address);
        engine.start();
        cluster.members.add(holder[0]);
        return holder[0];
    }

    private static NioVsyncEngine.Builder builder(String address, List<String> seeds) {
        int port = Integer.parseInt(address.substring(address.indexOf(':') + 1));
        return NioVsyncEngine.builder().nodeName(address).bind("127.0.0.1", port).seeds(seeds)
                .heartbeatInterval(Duration.ofMillis(50)).failureTimeout(Duration.ofMillis(500));
    }

    /** Members in one view of GROUP over TLS, each with its own configuration (own counters). */
    private List<Member> group(List<String> addresses, int size, List<TlsConfig> configs) throws Exception {
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            TlsConfig c = pki.config(pki.member);
            configs.add(c);
            members.add(tls(addresses.get(i), addresses, c, true));
        }
        for (Member m : members) {
            m.group(GROUP).join();
        }
        await("one view of " + size, () -> members.stream().allMatch(m -> m.group.view().size() == size));
        return members;
    }

    @Test
    void threeMembersOverTlsDeliverOneOrderAndViewChanges() throws Exception {
        List<String> addresses = Cluster.freeAddresses(3);
        List<TlsConfig> configs = new ArrayList<>();
        List<Member> members = group(addresses, 3, configs);
        List<java.util.concurrent.CompletableFuture<?>> sends = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            sends.add(members.get(i % 3).group.orderedSend(new Put("k" + i, "v" + i)));
        }
        for (var f : sends) {
            f.get(20, TimeUnit.SECONDS);
        }
        await("all delivered everywhere", () -> members.stream().allMatch(m -> m.delivered.size() == 300));
        assertThat(members.get(1).delivered).isEqualTo(members.get(0).delivered);
        assertThat(members.get(2).delivered).isEqualTo(members.get(0).delivered);

        Member c = members.get(2);
        c.group.leaveAsync().get(10, TimeUnit.SECONDS);
        List<Member> rest = members.subList(0, 2);
        await("a and b without c", () -> rest.stream().allMatch(m -> m.group.view().size() == 2));
        Cluster.traffic(rest, "after", 20);
        await("delivered", () -> rest.stream().allMatch(m -> m.delivered.size() == 320));
        for (int i = 0; i < 3; i++) {
            TlsStats s = configs.get(i).stats();
            assertThat(s.handshakesCompleted()).as(members.get(i).address).isGreaterThanOrEqualTo(4);
            assertThat(s.refused()).as(members.get(i).address).isZero();
            assertThat(members.get(i).transport.securityStats().rejectedFrames()).isZero();
            io.vsync.api.SecurityStatus status = members.get(i).transport.securityStatus();
            assertThat(status.mode()).isEqualTo(io.vsync.api.SecurityStatus.Mode.TLS);
            assertThat(status.tls().handshakesCompleted()).as("TLS counters in the status")
                    .isGreaterThanOrEqualTo(s.handshakesCompleted());
        }
        cluster.assertHistoryPasses(GROUP, rest);
    }

    @Test
    void aProcessWithoutATrustedCertificateCannotJoinAndBothSidesSaySo() throws Exception {
        try (LogCapture logs = transportLogs()) {
            List<String> addresses = Cluster.freeAddresses(3);
            List<TlsConfig> configs = new ArrayList<>();
            List<Member> members = group(addresses, 2, configs);
            long view = members.get(0).group.view().id();
            TlsConfig rogueTls = pki.config(pki.rogue); // trusts the cluster's CA, is not trusted by it
            Member rogue = tls(addresses.get(2), addresses, rogueTls, false);
            rogue.group(GROUP).joinAsync();
            try {
                await("refused on both sides", () -> configs.get(0).stats().handshakesFailed() > 0
                        && configs.get(1).stats().handshakesFailed() > 0 && rogueTls.stats().handshakesFailed() > 0);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + ": " + configs.get(0).stats() + " " + configs.get(1).stats()
                        + " " + rogueTls.stats() + logs.lines);
            }
            Thread.sleep(1500);
            assertThat(rogue.group.status()).isNotEqualTo(GroupStatus.MEMBER);
            assertThat(rogue.received.messages).isEmpty();
            for (Member m : members) {
                assertThat(m.group.view().id()).isEqualTo(view);
            }
            assertThat(logs.any("refused a TLS connection from unidentified", "no certificate issued by an authority"))
                    .as(logs.lines.toString()).isTrue();
            assertThat(logs.any("TLS connection to peer " + members.get(0).address, "not trust our certificate")
                    || logs.any("TLS connection to peer " + members.get(0).address, "refused our certificate"))
                    .as(logs.lines.toString()).isTrue();
            Cluster.traffic(members, "after", 20);
            await("delivered", () -> members.stream().allMatch(m -> m.delivered.size() == 20));
            cluster.assertHistoryPasses(GROUP, members);
        }
    }

    @Test
    void aTrustedCertificateForAnotherAddressIsRefused() throws Exception {
        try (LogCapture logs = transportLogs()) {
            List<String> addresses = Cluster.freeAddresses(3);
            List<TlsConfig> configs = new ArrayList<>();
            List<Member> members = group(addresses, 2, configs);
            long view = members.get(0).group.view().id();
            // Signed by the cluster's CA, but for 10.99.0.7 / other.example, while it claims 127.0.0.1:port.
            Member impostor = tls(addresses.get(2), addresses, pki.config(pki.wrongAddress), false);
            impostor.group(GROUP).joinAsync();
            await("refused", () -> configs.get(0).stats().identityRefused() > 0
                    && configs.get(1).stats().identityRefused() > 0);
            Thread.sleep(1500);
            assertThat(impostor.group.status()).isNotEqualTo(GroupStatus.MEMBER);
            for (Member m : members) {
                assertThat(m.group.view().id()).isEqualTo(view);
            }
            assertThat(logs.any("claiming to be " + impostor.address, "does not name 127.0.0.1"))
                    .as(logs.lines.toString()).isTrue();
            Cluster.traffic(members, "after", 10);
            await("delivered", () -> members.stream().allMatch(m -> m.delivered.size() == 10));
            cluster.assertHistoryPasses(GROUP, members);
        }
    }

    @Test
    void aMemberWithoutTlsIsRefusedAndBothSidesSaySo() throws Exception {
        try (LogCapture logs = transportLogs()) {
            List<String> addresses = Cluster.freeAddresses(4);
            List<TlsConfig> configs = new ArrayList<>();
            List<Member> members = group(addresses.subList(0, 3), 2, configs);
            long view = members.get(0).group.view().id();
            // The same group-key layer, keyed for TLS mode, but over plain TCP: only the TLS setting differs.
            Member plain = cluster.plain(addresses.get(2), addresses.subList(0, 3));
            plain.group(GROUP).joinAsync();
            try {
                await("refused", () -> configs.get(0).stats().plainRefused() > 0
                        && configs.get(1).stats().plainRefused() > 0
                        && logs.any("it requires TLS and this engine does not use it"));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + ": " + configs.get(0).stats() + " " + logs.lines);
            }
            assertThat(logs.any("refused a connection from " + plain.address, "does not use TLS",
                    "vsync.security.tls disabled")).as(logs.lines.toString()).isTrue();
            assertThat(logs.any("peer " + members.get(0).address + " refused our connection: it requires TLS"))
                    .as(logs.lines.toString()).isTrue();
            // The other way round: a TLS engine whose seed is the plain one.
            TlsConfig loneTls = pki.config(pki.member);
            Member lone = tls(addresses.get(3), List.of(plain.address, addresses.get(3)), loneTls, false);
            lone.group(GROUP).joinAsync();
            await("refused", () -> loneTls.stats().plainRefused() > 0
                    && logs.any("opened a TLS handshake, and this engine does not use TLS"));
            assertThat(logs.any("peer " + plain.address + " does not use TLS", "refused our TLS connection"))
                    .as(logs.lines.toString()).isTrue();
            Thread.sleep(1000);
            assertThat(plain.group.status()).isNotEqualTo(GroupStatus.MEMBER);
            for (Member m : members) {
                assertThat(m.group.view().id()).isEqualTo(view);
            }
            Cluster.traffic(members, "after", 10);
            await("delivered", () -> members.stream().allMatch(m -> m.delivered.size() == 10));
            cluster.assertHistoryPasses(GROUP, members);
        }
    }

    @Test
    void aRemovedMemberWithAValidCertificateCannotReadTheNextView() throws Exception {
        List<String> addresses = Cluster.freeAddresses(3);
        List<Member> members = group(addresses, 3, new ArrayList<>());
        // c still holds a certificate the cluster trusts: only the view keys keep it out.
        cluster.assertAFormerMemberCannotReadTheNextView(GROUP, members);
    }

    /** What the transport's TLS and plain layers log. */
    private static LogCapture transportLogs() {
        return new LogCapture("io.vsync.transport.TransportTls", "io.vsync.transport.PlainFilter",
                "io.vsync.transport.IoLoop");
    }
}
