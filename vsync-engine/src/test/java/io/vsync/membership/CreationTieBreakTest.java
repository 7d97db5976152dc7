package io.vsync.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.vsync.api.DeliveryKind;
import io.vsync.api.GroupStatus;
import io.vsync.api.HistoryListener;
import io.vsync.api.MemberId;
import io.vsync.api.View;
import io.vsync.durability.SafeRecord;
import io.vsync.message.ProtocolMessage;
import io.vsync.protocol.Effects;
import io.vsync.protocol.ProtocolConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Processes restarting with safeSend logs at the same instant: the one whose log reached the
 * latest view creates the group, whatever its address; the others join it.
 */
class CreationTieBreakTest {

    private record Frame(String from, String to, ProtocolMessage message) {
    }

    /** Three cores on a lossless, instant network and a shared virtual clock. */
    private static final class Cluster {
        final Map<String, ProtocolNode> nodes = new LinkedHashMap<>();
        final Map<String, Long> tickets = new LinkedHashMap<>();
        final ArrayDeque<Frame> inFlight = new ArrayDeque<>();
        final List<String> createdBy = new ArrayList<>();
        long now = 1_000;

        Cluster(List<String> addresses) {
            for (String address : addresses) {
                ProtocolConfig config = ProtocolConfig.of(address, 1_000, addresses, 100, 1_000);
                nodes.put(address, new ProtocolNode(config, effects(address), HistoryListener.NONE, line -> { }));
            }
        }

        private Effects effects(String self) {
            return new Effects() {
                @Override
                public void send(String address, ProtocolMessage message) {
                    inFlight.add(new Frame(self, address, message));
                }

                @Override
                public void send(Collection<String> addresses, ProtocolMessage message) {
                    addresses.forEach(a -> send(a, message));
                }

                @Override
                public void deliver(String group, MemberId sender, long msgNo, long viewId, DeliveryKind kind,
                                    byte[] payload) {
                }

                @Override
                public void viewInstalled(String group, View view) {
                    if (view.size() == 1 && view.joined().equals(view.members())) {
                        createdBy.add(self);
                    }
                }

                @Override
                public void statusChanged(String group, GroupStatus status) {
                }

                @Override
                public void released(String group, long bytes) {
                }

                @Override
                public void persist(String group, long ticket, SafeRecord record) {
                    tickets.put(self, ticket);
                }
            };
        }

        void run(long untilMs) {
            while (now < untilMs) {
                now += 5;
                for (ProtocolNode node : nodes.values()) {
                    node.onTick(now);
                }
                while (!inFlight.isEmpty()) {
                    Frame f = inFlight.poll();
                    nodes.get(f.to()).onMessage(now, f.from(), f.message());
                }
                for (Map.Entry<String, ProtocolNode> e : nodes.entrySet()) {
                    Long ticket = tickets.get(e.getKey());
                    if (ticket != null) {
                        e.getValue().onPersisted(now, ticket);
                    }
                    e.getValue().flush();
                }
            }
        }
    }

    @Test
    void theProcessWithTheLatestLoggedViewCreatesTheGroupNotTheLowestAddress() {
        Cluster cluster = new Cluster(List.of("h:1", "h:2", "h:3"));
        cluster.nodes.get("h:1").join(cluster.now, "g", 10);
        cluster.nodes.get("h:2").join(cluster.now, "g", 30);
        cluster.nodes.get("h:3").join(cluster.now, "g", 20);
        cluster.run(6_000);
        assertThat(cluster.createdBy).containsExactly("h:2");
        for (ProtocolNode node : cluster.nodes.values()) {
            assertThat(node.status("g")).isEqualTo(GroupStatus.MEMBER);
            assertThat(node.view("g").size()).isEqualTo(3);
        }
    }

    @Test
    void withEqualPositionsTheLowestAddressCreatesAsBefore() {
        Cluster cluster = new Cluster(List.of("h:1", "h:2", "h:3"));
        for (String address : List.of("h:3", "h:2", "h:1")) {
            cluster.nodes.get(address).join(cluster.now, "g", 7);
        }
        cluster.run(6_000);
        assertThat(cluster.createdBy).containsExactly("h:1");
    }
}
