package io.vsync.membership;

import io.vsync.api.MemberId;
import io.vsync.protocol.ProtocolConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Heartbeat failure detection per pair of processes, shared by every group of the engine.
 * Any frame from a peer counts as a sign of life; silence longer than the timeout, a refused
 * connection, or a heartbeat from a newer incarnation of the peer makes its members suspect.
 */
final class FailureDetector {

    private static final class Peer {
        long lastHeard;
        long incarnation = -1;
        boolean suspected;
        long lastHeartbeatSent = Long.MIN_VALUE / 2;
    }

    private final long intervalMs;
    private final long timeoutMs;
    private final Map<String, Peer> peers = new HashMap<>();
    private long lastTick = Long.MIN_VALUE;

    FailureDetector(long intervalMs, long timeoutMs) {
        this.intervalMs = intervalMs;
        this.timeoutMs = timeoutMs;
    }

    /** Keeps exactly these addresses under watch; new ones start with a full timeout. */
    void watch(Collection<String> addresses, long now) {
        peers.keySet().retainAll(addresses);
        for (String address : addresses) {
            peers.computeIfAbsent(address, a -> {
                Peer peer = new Peer();
                peer.lastHeard = now;
                return peer;
            });
        }
    }

    void heard(String address, long at) {
        Peer peer = peers.get(address);
        if (peer != null && at >= peer.lastHeard) {
            peer.lastHeard = at;
            peer.suspected = false;
        }
    }

    /** @return whether the peer's process restarted since we last heard it */
    boolean heartbeat(String address, long incarnation, long now) {
        Peer peer = peers.get(address);
        if (peer == null) {
            return false;
        }
        boolean restarted = peer.incarnation >= 0 && incarnation > peer.incarnation;
        peer.incarnation = Math.max(peer.incarnation, incarnation);
        return restarted;
    }

    void unreachable(String address) {
        Peer peer = peers.get(address);
        if (peer != null) {
            peer.suspected = true;
        }
    }

    boolean isSuspected(MemberId member) {
        Peer peer = peers.get(member.address());
        if (peer == null) {
            return false;
        }
        return peer.suspected || peer.incarnation > ProtocolConfig.processOf(member.incarnation());
    }

    /**
     * Advances time: marks silent peers suspect.
     *
     * @return the addresses due a heartbeat now
     */
    List<String> tick(long now) {
        if (lastTick != Long.MIN_VALUE && now - lastTick > timeoutMs / 2) {
            // This process itself was stalled (GC pause, SIGSTOP): nobody's silence can be judged
            // over that gap, so everyone gets a fresh timeout.
            for (Peer peer : peers.values()) {
                peer.lastHeard = Math.max(peer.lastHeard, now);
            }
        }
        lastTick = now;
        List<String> due = new ArrayList<>();
        for (Map.Entry<String, Peer> entry : peers.entrySet()) {
            Peer peer = entry.getValue();
            if (now - peer.lastHeard > timeoutMs) {
                peer.suspected = true;
            }
            if (now - peer.lastHeartbeatSent >= intervalMs) {
                peer.lastHeartbeatSent = now;
                due.add(entry.getKey());
            }
        }
        return due;
    }
}
