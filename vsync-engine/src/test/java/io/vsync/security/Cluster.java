package io.vsync.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.vsync.api.DeliveryInfo;
import io.vsync.api.Group;
import io.vsync.api.MemberId;
import io.vsync.api.VsyncEngine;
import io.vsync.history.CheckOptions;
import io.vsync.history.CheckResult;
import io.vsync.history.Checker;
import io.vsync.history.HistoryRecorder;
import io.vsync.message.Data;
import io.vsync.message.GroupMessage;
import io.vsync.message.Nak;
import io.vsync.message.OrderToken;
import io.vsync.message.ProtocolMessage;
import io.vsync.runtime.NioVsyncEngine;
import io.vsync.transport.NioTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Engines of one JVM over loopback TCP, secure or not, sharing one history recorder. */
final class Cluster implements AutoCloseable {
    record Put(String key, String value) {
    }

    /** One engine and, when secure, its transport layers as the test sees them. */
    static final class Member {
        final VsyncEngine engine;
        final String address;
        SecureTransport transport;
        TapTransport tap;
        Recorder received;
        final List<String> delivered = new CopyOnWriteArrayList<>();
        Group group;

        Member(VsyncEngine engine, String address) {
            this.engine = engine;
            this.address = address;
        }

        Group group(String name) {
            group = engine.group(name);
            group.handle(Put.class, (Put p, DeliveryInfo info) -> delivered.add(p.key() + "=" + p.value()));
            return group;
        }
    }

    final HistoryRecorder history = new HistoryRecorder();
    final List<Member> members = new ArrayList<>();

    static List<String> freeAddresses(int n) throws IOException {
        List<String> addresses = new ArrayList<>();
        List<ServerSocket> sockets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            sockets.add(socket);
            addresses.add("127.0.0.1:" + socket.getLocalPort());
        }
        for (ServerSocket socket : sockets) {
            socket.close();
        }
        return addresses;
    }

    private static NioVsyncEngine.Builder builder(String address, List<String> seeds) {
        int port = Integer.parseInt(address.substring(address.indexOf(':') + 1));
        return (NioVsyncEngine.Builder) NioVsyncEngine.builder().nodeName(address).bind("127.0.0.1", port)
                .seeds(seeds).heartbeatInterval(Duration.ofMillis(50)).failureTimeout(Duration.ofMillis(500));
    }

    /** A secure engine whose layers the test can see; records into the shared history when asked. */
    Member secure(String address, List<String> seeds, String secret, boolean recordHistory) {
        Member[] holder = new Member[1];
        SecurityConfig config = SecurityConfig.clusterSecret(secret);
        NioVsyncEngine.Builder b = builder(address, seeds).transport((c, l) -> {
            Member m = holder[0];
            m.received = new Recorder(l);
            m.transport = new SecureTransport(config, c, m.received,
                    (c2, l2) -> m.tap = new TapTransport(new NioTransport(c2, l2)));
            return m.transport;
        });
        if (recordHistory) {
            b.historyListener(history);
        }
        VsyncEngine engine = b.build();
        holder[0] = new Member(engine, address);
        engine.start();
        members.add(holder[0]);
        return holder[0];
    }

    /** A secure engine set up the way applications do it: the builder's security option. */
    Member secureByBuilder(String address, List<String> seeds, String secret) {
        VsyncEngine engine = builder(address, seeds).security(SecurityConfig.clusterSecret(secret))
                .historyListener(history).build();
        engine.start();
        Member m = new Member(engine, address);
        members.add(m);
        return m;
    }

    Member plain(String address, List<String> seeds) {
        VsyncEngine engine = builder(address, seeds).build();
        engine.start();
        Member m = new Member(engine, address);
        members.add(m);
        return m;
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    /** The recorded history of the given live members passes every check, liveness included. */
    static void traffic(List<Member> members, String prefix, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            members.get(i % members.size()).group.orderedSend(new Put(prefix, "" + i)).get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * The third of three members leaves; it then tries to get the next view's traffic actively
     * (asks for the view key, asks for retransmissions) and passively (reads what a sent b on the
     * wire with every view key it ever had, even handed the a-to-b session key). Both fail, while
     * it could read its own view's traffic.
     */
    void assertAFormerMemberCannotReadTheNextView(String group, List<Member> members) throws Exception {
        Member a = members.get(0);
        Member b = members.get(1);
        Member c = members.get(2);
        long shared = a.group.view().id();
        traffic(members, "shared", 30);
        await("delivered", () -> members.stream().allMatch(m -> m.delivered.size() == 30));
        c.group.leaveAsync().get(10, TimeUnit.SECONDS);
        await("a and b alone", () -> a.group.view().size() == 2 && b.group.view().size() == 2);
        long next = a.group.view().id();
        traffic(List.of(a, b), "secret", 30);
        await("delivered", () -> a.delivered.size() == 60 && b.delivered.size() == 60);

        // c tries actively: asks both for the new view's key and asks a to send again the new
        // view's messages.
        c.transport.askForViewKey(group, next, a.address);
        c.transport.askForViewKey(group, next, b.address);
        c.transport.send(a.address, new Nak(group, next, 0, 1, 30));
        c.transport.send(a.address, new Nak(group, next, Nak.SEQUENCER, 1, 30));
        await("refused", () -> a.transport.securityStats().keyRequestsRefused()
                + b.transport.securityStats().keyRequestsRefused() >= 1);
        Thread.sleep(500);
        assertThat(c.transport.holdsViewKey(group, next)).isFalse();
        assertThat(c.received.messages).noneMatch(r -> r.message() instanceof GroupMessage g
                && (g instanceof Data d && d.viewId() == next || g instanceof OrderToken t && t.viewId() == next));

        // And passively: what a sent b on the wire, read with every view key c ever had, even
        // handed the a-to-b session key too (as if it had been on that session's path).
        byte[] sessionKey = b.transport.receivingSessionKeyForTest(a.address);
        byte[] aPublic = a.transport.publicKey();
        int sharedRead = 0;
        int nextSeen = 0;
        for (TapTransport.Captured x : a.tap.captured) {
            if (!x.to().equals(b.address) || !SecureTransport.isGroup(x.type())) {
                continue;
            }
            ProtocolMessage byB = b.transport.tryReadCaptured(x.envelope(), sessionKey, a.address, aPublic);
            assertThat(byB).as("b reads what a sent it").isNotNull();
            long viewOf = byB instanceof Data d ? d.viewId() : ((OrderToken) byB).viewId();
            ProtocolMessage byC = c.transport.tryReadCaptured(x.envelope(), sessionKey, a.address, aPublic);
            if (viewOf == shared) {
                assertThat(byC).as("c could read its own view").isNotNull();
                sharedRead++;
            } else if (viewOf == next) {
                assertThat(byC).as("c cannot read the view after it left").isNull();
                nextSeen++;
            }
        }
        assertThat(sharedRead).isPositive();
        assertThat(nextSeen).isPositive();
        assertHistoryPasses(group, List.of(a, b));
    }

    void assertHistoryPasses(String group, List<Member> alive) {
        Set<MemberId> live = new java.util.HashSet<>();
        for (Member m : alive) {
            live.add(m.group.self());
        }
        CheckResult result = new Checker().check(history.events(), CheckOptions.quiescent(Map.of(group, live)));
        assertThat(result.ok()).as(result.toString()).isTrue();
    }

    @Override
    public void close() {
        for (Member m : members) {
            m.engine.close();
        }
    }
}
