package io.vsync.security;

import static io.vsync.security.Cluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vsync.api.Group;
import io.vsync.security.Cluster.Member;
import io.vsync.security.Cluster.Put;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Secure engines form groups, deliver in one order, and re-key at every view change. */
class SecureClusterTest {
    private final Cluster cluster = new Cluster();

    @AfterEach
    void close() {
        cluster.close();
    }

    @Test
    void membersWithTheSecretFormOneGroupAndDeliverOneOrder() throws Exception {
        List<String> addresses = Cluster.freeAddresses(3);
        List<Member> members = new ArrayList<>();
        for (String address : addresses) {
            members.add(cluster.secureByBuilder(address, addresses, SecureTransportTest.SECRET));
        }
        List<Group> groups = members.stream().map(m -> m.group("kv")).toList();
        groups.forEach(Group::joinAsync);
        await("one view of three", () -> groups.stream().allMatch(g -> g.view() != null && g.view().size() == 3));
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            sends.add(groups.get(i % 3).orderedSend(new Put("k" + (i % 7), "v" + i)));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        await("all delivered everywhere", () -> members.stream().allMatch(m -> m.delivered.size() == 300));
        assertThat(members.get(1).delivered).isEqualTo(members.get(0).delivered);
        assertThat(members.get(2).delivered).isEqualTo(members.get(0).delivered);
        assertThat(groups.get(0).flush()).succeedsWithin(java.time.Duration.ofSeconds(10));
        cluster.assertHistoryPasses("kv", members);
    }

    @Test
    void everyViewChangeBringsAKeyThatOnlyTheNewViewsMembersHold() throws Exception {
        List<String> addresses = Cluster.freeAddresses(3);
        List<Member> members = new ArrayList<>();
        for (String address : addresses) {
            members.add(cluster.secure(address, addresses, SecureTransportTest.SECRET, true));
        }
        Member a = members.get(0);
        Member b = members.get(1);
        Member c = members.get(2);
        a.group("kv").join();
        b.group("kv").join();
        long two = a.group.view().id();
        c.group("kv").join();
        await("a view of three everywhere", () -> members.stream().allMatch(m -> m.group.view().size() == 3));
        long three = a.group.view().id();
        for (int i = 0; i < 30; i++) {
            members.get(i % 3).group.orderedSend(new Put("before", "" + i)).get(10, TimeUnit.SECONDS);
        }
        c.group.leaveAsync().get(10, TimeUnit.SECONDS);
        await("a and b without c", () -> a.group.view().size() == 2 && b.group.view().size() == 2);
        long after = a.group.view().id();
        for (int i = 0; i < 30; i++) {
            members.get(i % 2).group.orderedSend(new Put("after", "" + i)).get(10, TimeUnit.SECONDS);
        }
        await("delivered", () -> a.delivered.size() == 60 && b.delivered.size() == 60);

        assertThat(List.of(two, three, after)).doesNotHaveDuplicates();
        for (long view : List.of(two, three, after)) {
            assertThat(a.transport.holdsViewKey("kv", view)).as("a holds view %d's key", view).isTrue();
            assertThat(b.transport.holdsViewKey("kv", view)).as("b holds view %d's key", view).isTrue();
        }
        assertThat(c.transport.holdsViewKey("kv", three)).isTrue();
        assertThat(c.transport.holdsViewKey("kv", after)).as("the leaver never gets the next view's key").isFalse();
        // The leader (a, the oldest member) made every key; b and c only received them.
        assertThat(a.transport.securityStats().viewKeysCreated()).isEqualTo(3);
        assertThat(b.transport.securityStats().viewKeysCreated()).isZero();
        for (Member m : members) {
            assertThat(m.transport.securityStats().rejectedFrames()).as(m.address).isZero();
        }
        cluster.assertHistoryPasses("kv", List.of(a, b));
    }
}
