package io.vsync.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vsync.api.DeliveryInfo;
import io.vsync.api.Group;
import io.vsync.api.GroupStatus;
import io.vsync.api.MessageTooLargeException;
import io.vsync.api.NotJoinedException;
import io.vsync.api.QueryResult;
import io.vsync.api.Quorum;
import io.vsync.api.Reply;
import io.vsync.api.StateTransfer;
import io.vsync.api.View;
import io.vsync.api.VsyncEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Engines of one JVM forming real clusters over loopback TCP. */
class LoopbackClusterTest {

    record Put(String key, String value) {
    }

    record Get(String key) {
    }

    record Fail(String why) {
    }

    record Blob(byte[] bytes) {
    }

    private final List<VsyncEngine> engines = new ArrayList<>();

    @AfterEach
    void closeAll() {
        for (VsyncEngine engine : engines) {
            engine.close();
        }
    }

    private List<String> freeAddresses(int n) throws IOException {
        List<String> addresses = new ArrayList<>();
        List<ServerSocket> sockets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            sockets.add(socket);
            addresses.add("127.0.0.1:" + socket.getLocalPort());
        }
        for (ServerSocket socket : sockets) {
            socket.close();
        }
        return addresses;
    }

    private VsyncEngine engine(String address, List<String> seeds) {
        int port = Integer.parseInt(address.substring(address.indexOf(':') + 1));
        VsyncEngine engine = VsyncEngine.builder().nodeName(address).bind("127.0.0.1", port).seeds(seeds)
                .heartbeatInterval(Duration.ofMillis(50)).failureTimeout(Duration.ofMillis(500)).build();
        engine.start();
        engines.add(engine);
        return engine;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    /** A replicated map: the state every test group keeps. */
    private static final class Replica {
        final Map<String, String> map = new ConcurrentHashMap<>();
        final List<String> log = new CopyOnWriteArrayList<>();
        final List<View> views = new CopyOnWriteArrayList<>();

        Group bind(Group group) {
            group.handle(Put.class, (Put p, DeliveryInfo info) -> {
                map.put(p.key(), p.value());
                log.add(p.key() + "=" + p.value());
            });
            group.handleQuery(Get.class, g -> map.get(g.key()));
            group.handleQuery(Fail.class, f -> {
                throw new IllegalStateException(f.why());
            });
            group.stateTransfer(new StateTransfer() {
                @Override
                public void write(OutputStream out) throws IOException {
                    StringBuilder text = new StringBuilder();
                    map.forEach((k, v) -> text.append(k).append('\t').append(v).append('\n'));
                    out.write(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }

                @Override
                public void read(InputStream in) throws IOException {
                    map.clear();
                    for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                        if (!line.isEmpty()) {
                            String[] kv = line.split("\t", 2);
                            map.put(kv[0], kv[1]);
                        }
                    }
                }
            });
            group.onViewChange(views::add);
            return group;
        }
    }

    @Test
    void membersStartedTogetherFormOneGroupAndDeliverOneOrder() throws Exception {
        List<String> addresses = freeAddresses(3);
        List<Group> groups = new ArrayList<>();
        List<Replica> replicas = new ArrayList<>();
        for (String address : addresses) {
            Replica replica = new Replica();
            replicas.add(replica);
            groups.add(replica.bind(engine(address, addresses).group("kv")));
        }
        groups.forEach(Group::joinAsync);
        await("one view of three", () -> groups.stream().allMatch(g -> g.view() != null && g.view().size() == 3));

        List<java.util.concurrent.CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sends.add(groups.get(i % 3).orderedSend(new Put("k" + (i % 7), "v" + i)));
        }
        java.util.concurrent.CompletableFuture.allOf(sends.toArray(java.util.concurrent.CompletableFuture[]::new))
                .get(30, TimeUnit.SECONDS);
        await("every replica delivered all", () -> replicas.stream().allMatch(r -> r.log.size() == 200));
        assertThat(replicas.get(1).log).isEqualTo(replicas.get(0).log);
        assertThat(replicas.get(2).log).isEqualTo(replicas.get(0).log);
        assertThat(groups.get(0).flush()).succeedsWithin(Duration.ofSeconds(10));
    }

    @Test
    void queriesCollectRepliesFromEveryMemberWithTheirSenders() throws Exception {
        List<String> addresses = freeAddresses(3);
        List<Group> groups = new ArrayList<>();
        for (String address : addresses) {
            groups.add(new Replica().bind(engine(address, addresses).group("kv")));
        }
        groups.forEach(Group::joinAsync);
        await("one view of three", () -> groups.stream().allMatch(g -> g.view() != null && g.view().size() == 3));
        groups.get(0).orderedSend(new Put("a", "1")).get(10, TimeUnit.SECONDS);

        QueryResult<String> all = groups.get(1).query(Quorum.ALL, new Get("a"), String.class, Duration.ofSeconds(10));
        assertThat(all.complete()).isTrue();
        assertThat(all.values()).containsExactly("1", "1", "1");
        assertThat(all.replies()).extracting(Reply::from).containsExactlyInAnyOrderElementsOf(groups.get(0).view().members());

        QueryResult<String> missing = groups.get(2).query(Quorum.MAJORITY, new Get("nope"), String.class,
                Duration.ofSeconds(10));
        assertThat(missing.replies()).hasSizeGreaterThanOrEqualTo(2).allMatch(r -> r.status() == Reply.Status.NULL);

        QueryResult<String> failing = groups.get(0).query(Quorum.ALL, new Fail("no such account"), String.class,
                Duration.ofSeconds(10));
        assertThat(failing.replies()).allMatch(r -> r.status() == Reply.Status.ABORT)
                .allMatch(r -> r.error().contains("no such account"));

        Reply<String> one = groups.get(0).p2pQuery(groups.get(2).self(), new Get("a"), String.class,
                Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
        assertThat(one.from()).isEqualTo(groups.get(2).self());
        assertThat(one.value()).isEqualTo("1");
    }

    @Test
    void aQueryDoesNotWaitForAMemberThatFailsAndNamesIt() throws Exception {
        List<String> addresses = freeAddresses(3);
        List<Group> groups = new ArrayList<>();
        for (String address : addresses) {
            groups.add(engine(address, addresses).group("kv"));
        }
        java.util.concurrent.CountDownLatch stuck = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        groups.get(0).handleQuery(Get.class, g -> "a");
        groups.get(1).handleQuery(Get.class, g -> "b");
        groups.get(2).handleQuery(Get.class, g -> {
            entered.countDown();
            try {
                stuck.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "never seen";
        });
        groups.forEach(Group::joinAsync);
        await("one view of three", () -> groups.stream().allMatch(g -> g.view() != null && g.view().size() == 3));
        var failing = groups.get(2).self();
        var result = groups.get(0).queryAsync(Quorum.ALL, new Get("x"), String.class, Duration.ofSeconds(20));
        // Crash it once the request is delivered in the three-member view: crashed earlier, the
        // request would be delivered in the next view, which rightly expects no reply from it.
        assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
        ((NioVsyncEngine) engines.get(2)).crashForTest();
        QueryResult<String> done = result.get(20, TimeUnit.SECONDS);
        stuck.countDown();
        assertThat(done.failed()).containsExactly(failing);
        assertThat(done.values()).containsExactlyInAnyOrder("a", "b");
        assertThat(done.complete()).isTrue();
    }

    @Test
    void aJoinerReceivesTheStateAtItsAdmissionBeforeAnyMessageOfItsFirstView() throws Exception {
        List<String> addresses = freeAddresses(3);
        Replica first = new Replica();
        Group a = first.bind(engine(addresses.get(0), addresses).group("kv"));
        a.join();
        // Large enough to take many chunks.
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 3_000; i++) {
            big.append("0123456789");
        }
        for (int i = 0; i < 100; i++) {
            a.orderedSend(new Put("key" + i, big.toString() + i));
        }
        a.flush().get(10, TimeUnit.SECONDS);

        Replica joiner = new Replica();
        Group b = joiner.bind(engine(addresses.get(1), addresses).group("kv"));
        List<String> seenAtFirstDelivery = new CopyOnWriteArrayList<>();
        b.handle(Blob.class, blob -> seenAtFirstDelivery.add("blob after " + joiner.map.size()));
        b.join();
        assertThat(joiner.map).hasSize(100);
        assertThat(joiner.map.get("key42")).endsWith("42");
        a.send(new Blob(new byte[] {1})).get(10, TimeUnit.SECONDS);
        await("the joiner delivered the blob", () -> !seenAtFirstDelivery.isEmpty());
        assertThat(seenAtFirstDelivery).containsExactly("blob after 100");
    }

    @Test
    void messagesNearTheSixteenMebibyteLimitPassTheDefaultWindowOneAtATimeAndInOrder() throws Exception {
        // The default send window (2 MiB) is smaller than the largest message: such a message
        // takes the whole window, so it waits for the ones before it to become stable.
        List<String> addresses = freeAddresses(2);
        List<byte[]> received = new CopyOnWriteArrayList<>();
        List<Group> groups = new ArrayList<>();
        for (String address : addresses) {
            Group g = engine(address, addresses).group("big");
            groups.add(g);
        }
        groups.get(1).handle(Blob.class, blob -> received.add(blob.bytes()));
        groups.get(0).handle(Blob.class, blob -> { });
        groups.forEach(Group::joinAsync);
        await("one view of two", () -> groups.stream().allMatch(g -> g.view() != null && g.view().size() == 2));

        Random random = new Random(16);
        List<byte[]> sent = new ArrayList<>();
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int size : new int[] {(16 << 20) - 4096, 1, 12 << 20, 3 << 20}) {
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            sent.add(bytes);
            sends.add(groups.get(0).orderedSend(new Blob(bytes)));
        }
        for (CompletableFuture<Void> send : sends) {
            assertThat(send).succeedsWithin(Duration.ofSeconds(60));
        }
        await("all four delivered", () -> received.size() == 4);
        for (int i = 0; i < 4; i++) {
            assertThat(received.get(i)).as("message %d", i).isEqualTo(sent.get(i));
        }
    }

    @Test
    void misuseIsReportedClearly() throws Exception {
        List<String> addresses = freeAddresses(1);
        VsyncEngine engine = VsyncEngine.builder().bind("127.0.0.1",
                Integer.parseInt(addresses.get(0).split(":")[1])).maxMessageSize(1024).sendWindow(64 * 1024).build();
        engines.add(engine);
        engine.start();
        Group group = engine.group("g");
        assertThatThrownBy(() -> group.send(new Put("k", "v"))).isInstanceOf(NotJoinedException.class)
                .hasMessageContaining("call join() first");
        assertThatThrownBy(() -> engine.group("bad name!")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid group name");
        group.handle(Put.class, p -> { });
        assertThatThrownBy(() -> group.handle(Put.class, p -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already registered");
        group.join();
        assertThat(group.status()).isEqualTo(GroupStatus.MEMBER);
        assertThatThrownBy(() -> group.send(new Blob(new byte[5000]))).isInstanceOf(MessageTooLargeException.class)
                .hasMessageContaining("maximum message size");
        assertThatThrownBy(() -> VsyncEngine.builder().seeds("nohostport").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'nohostport' is not host:port");
        assertThatThrownBy(() -> VsyncEngine.builder().heartbeatInterval(Duration.ofSeconds(1))
                .failureTimeout(Duration.ofMillis(500)).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("failure timeout");
    }

    @Test
    void aGracefulLeaveIsACleanViewChange() throws Exception {
        List<String> addresses = freeAddresses(2);
        List<Group> groups = new ArrayList<>();
        List<Replica> replicas = new ArrayList<>();
        for (String address : addresses) {
            Replica replica = new Replica();
            replicas.add(replica);
            groups.add(replica.bind(engine(address, addresses).group("kv")));
        }
        groups.forEach(Group::joinAsync);
        await("one view of two", () -> groups.stream().allMatch(g -> g.view() != null && g.view().size() == 2));
        var leaver = groups.get(1).self();
        groups.get(1).leaveAsync().get(10, TimeUnit.SECONDS);
        await("the survivor sees the leave", () -> groups.get(0).view().size() == 1);
        View last = groups.get(0).view();
        assertThat(last.left()).containsExactly(leaver);
        assertThat(last.failed()).isEmpty();
        assertThat(groups.get(0).status()).isEqualTo(GroupStatus.MEMBER);
        assertThat(groups.get(0).orderedSend(new Put("after", "leave"))).succeedsWithin(Duration.ofSeconds(10));
    }
}
