package io.vsync.fuzz;

import io.vsync.api.DeliveryKind;
import io.vsync.api.GroupStatus;
import io.vsync.api.HistoryListener;
import io.vsync.api.MemberId;
import io.vsync.api.View;
import io.vsync.membership.ProtocolNode;
import io.vsync.message.ProtocolMessage;
import io.vsync.protocol.Effects;
import io.vsync.protocol.ProtocolConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One protocol core (at {@link #SELF}) brought into a view with a peer (at {@link #PEER}) whose
 * messages the test then makes up. Records every action; counts them to bound the work done.
 */
final class NodeHarness {
    static final String SELF = "10.0.0.1:7800";
    static final String PEER = "10.0.0.2:7800";
    static final String OTHER = "10.0.0.3:7800";
    static final String GROUP = "g";

    final List<String> log = new ArrayList<>();
    long sends;
    long deliveries;
    long views;
    final ProtocolNode node;
    long now = 1_000;

    private final Effects effects = new Effects() {
        @Override
        public void send(String address, ProtocolMessage message) {
            sends++;
            if (message instanceof io.vsync.message.Commit c && address.equals(PEER)) {
                lastCommit = c;
            }
        }

        @Override
        public void send(Collection<String> addresses, ProtocolMessage message) {
            for (String a : addresses) {
                send(a, message);
            }
        }

        @Override
        public void deliver(String group, MemberId sender, long msgNo, long viewId, DeliveryKind kind, byte[] payload) {
            deliveries++;
        }

        @Override
        public void viewInstalled(String group, View view) {
            views++;
        }

        @Override
        public void statusChanged(String group, GroupStatus status) {
        }

        @Override
        public void released(String group, long bytes) {
        }
    };
    io.vsync.message.Commit lastCommit;

    NodeHarness() {
        this(true);
    }

    /** @param withPeer false to stop once the node has created the group alone */
    NodeHarness(boolean withPeer) {
        ProtocolConfig config = ProtocolConfig.of(SELF, 1_000, List.of(SELF), 50, 500);
        node = new ProtocolNode(config, effects, HistoryListener.NONE, log::add);
        node.join(now, GROUP);
        for (int i = 0; i < 20 && node.status(GROUP) != GroupStatus.MEMBER; i++) {
            tick(50);
        }
        if (!withPeer) {
            return;
        }
        // The peer asks to join; the node (leader of a view of one) admits it.
        node.onMessage(now, PEER, new io.vsync.message.JoinRequest(GROUP, peerId()));
        for (int i = 0; i < 20 && (node.view(GROUP) == null || node.view(GROUP).size() < 2); i++) {
            node.onMessage(now, PEER, new io.vsync.message.Heartbeat(2_000));
            tick(20);
        }
    }

    static MemberId peerId() {
        return new MemberId(PEER, (2_000L << ProtocolConfig.JOIN_BITS) | 1);
    }

    void tick(long ms) {
        now += ms;
        node.onTick(now);
        node.flush();
    }

    long viewId() {
        View v = node.view(GROUP);
        return v == null ? 0 : v.id();
    }

}
