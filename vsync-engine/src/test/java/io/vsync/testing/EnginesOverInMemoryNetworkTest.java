package io.vsync.testing;

import static io.vsync.testing.InMemoryNetworkTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vsync.api.Group;
import io.vsync.api.GroupStatus;
import io.vsync.api.View;
import io.vsync.api.VsyncEngine;
import io.vsync.runtime.NioVsyncEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real engines talking over the in-memory network, with its faults. */
class EnginesOverInMemoryNetworkTest {

    record Note(String from, int n) {
    }

    private final InMemoryNetwork network = new InMemoryNetwork(11);
    private final List<VsyncEngine> engines = new ArrayList<>();
    private final Map<String, List<Note>> received = new ConcurrentHashMap<>();

    @AfterEach
    void close() {
        // in parallel: the crashed engine waits in vain for its graceful leave
        engines.parallelStream().forEach(VsyncEngine::close);
        network.close();
    }

    private Group member(String name) {
        NioVsyncEngine.Builder builder = NioVsyncEngine.builder();
        builder.nodeName(name).bind("127.0.0.1", 0).heartbeatInterval(Duration.ofMillis(100))
            .failureTimeout(Duration.ofSeconds(2)).transport(network::transport);
        List<String> seeds = network.addresses().stream().toList();
        builder.seeds(seeds);
        VsyncEngine engine = builder.build();
        engines.add(engine);
        engine.start();
        List<Note> notes = received.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>());
        Group group = engine.group("g").handle(Note.class, (Note n) -> notes.add(n));
        group.join(Duration.ofSeconds(60));
        return group;
    }

    private static void awaitView(int size, Group... groups) {
        await("a view of " + size + " at " + List.of(groups), () -> {
            long id = -1;
            for (Group g : groups) {
                View v = g.view();
                if (v == null || v.size() != size || g.status() != GroupStatus.MEMBER || (id != -1 && v.id() != id)) {
                    return false;
                }
                id = v.id();
            }
            return true;
        });
    }

    @Test
    void orderedMessagesCrashAndPartition() throws Exception {
        Group a = member("a");
        Group b = member("b");
        Group c = member("c");
        Group d = member("d");
        awaitView(4, a, b, c, d);

        List<Thread> senders = new ArrayList<>();
        for (Group g : List.of(a, b, c, d)) {
            String name = g.self().toString();
            Thread t = new Thread(() -> {
                for (int i = 0; i < 25; i++) {
                    g.orderedSend(new Note(name, i));
                }
            });
            senders.add(t);
            t.start();
        }
        for (Thread t : senders) {
            t.join();
        }
        await("100 deliveries everywhere", () -> received.values().stream().allMatch(l -> l.size() == 100));
        assertThat(received.get("b")).isEqualTo(received.get("a"));
        assertThat(received.get("c")).isEqualTo(received.get("a"));
        assertThat(received.get("d")).isEqualTo(received.get("a"));

        // a crash: the others install a view without it, naming it failed
        String dAddress = engines.get(3).localAddress();
        var dId = d.self();
        network.crash(dAddress);
        awaitView(3, a, b, c);
        assertThat(a.view().failed()).containsExactly(dId);

        // a partition: the minority side is partitioned, the majority goes on; after the heal
        // the minority member rejoins as a new incarnation
        var cId = c.self();
        network.partition(Set.of(engines.get(0).localAddress(), engines.get(1).localAddress()),
                Set.of(engines.get(2).localAddress()));
        awaitView(2, a, b);
        await("c partitioned", () -> c.status() == GroupStatus.PARTITIONED);
        network.heal();
        awaitView(3, a, b, c);
        assertThat(c.self()).isNotEqualTo(cId);
        assertThat(c.self().address()).isEqualTo(cId.address());

        a.orderedSend(new Note("after", 1)).get();
        await("delivered at c", () -> received.get("c").contains(new Note("after", 1)));
    }
}
