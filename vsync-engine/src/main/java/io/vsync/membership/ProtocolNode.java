package io.vsync.membership;

import io.vsync.api.DeliveryKind;
import io.vsync.api.GroupStatus;
import io.vsync.api.HistoryListener;
import io.vsync.api.MemberId;
import io.vsync.api.View;
import io.vsync.message.GroupMessage;
import io.vsync.message.Heartbeat;
import io.vsync.message.JoinProbe;
import io.vsync.message.JoinProbeReply;
import io.vsync.message.ProtocolMessage;
import io.vsync.multicast.SafeJournal;
import io.vsync.protocol.Effects;
import io.vsync.protocol.ProtocolConfig;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The protocol core of one engine: every group it hosts plus the failure detector they share.
 * A deterministic state machine: events come in through the public methods, each stamped with
 * the current time; actions go out through {@link Effects}. No threads, clocks or sockets.
 * The runtime and the simulator drive the same code.
 */
public final class ProtocolNode {

    private static final int MAX_PROBED_GROUPS = 256;
    private static final int MAX_PROBERS_PER_GROUP = 64;

    private final ProtocolConfig config;
    private final Effects effects;
    private final HistoryListener history;
    private final Consumer<String> log;
    private final FailureDetector failureDetector;
    private final Map<String, GroupMember> groups = new LinkedHashMap<>();
    /** group → joiner → when it last probed us: for the creation tie-break. */
    private final Map<String, Map<MemberId, Long>> recentProbers = new HashMap<>();
    /** group → joiner → the position it probed with. */
    private final Map<String, Map<MemberId, Long>> proberPositions = new HashMap<>();
    /** Groups with a safeSend log, and the journal each writes to. */
    private final Map<String, SafeJournal> journals = new HashMap<>();
    private long persistTickets;
    private final Context context = new Context();
    private long joins;
    private long dropped;
    private long now;
    private long firstNow = Long.MIN_VALUE;

    public ProtocolNode(ProtocolConfig config, Effects effects, HistoryListener history, Consumer<String> log) {
        this.config = config;
        this.effects = effects;
        this.history = history;
        this.log = log;
        this.failureDetector = new FailureDetector(config.heartbeatIntervalMs(), config.failureTimeoutMs());
    }

    public ProtocolConfig config() {
        return config;
    }

    // ---------------------------------------------------------------- application calls

    public void join(long now, String group) {
        this.now = now;
        groups.computeIfAbsent(group, g -> new GroupMember(g, context)).join(now);
    }

    /**
     * Joins a group that has a safeSend log: from now on its safeSend records go out through
     * {@link Effects#persist} and are acknowledged only once {@link #onPersisted} says so.
     *
     * @param recoveredViewId the last view id the log recovered (0 for an empty log): this
     *                        process's position in the creation tie-break
     */
    public void join(long now, String group, long recoveredViewId) {
        journals.computeIfAbsent(group, g -> record -> {
            long ticket = ++persistTickets;
            effects.persist(g, ticket, record);
            return ticket;
        });
        GroupMember member = groups.computeIfAbsent(group, g -> new GroupMember(g, context));
        member.recovered(recoveredViewId);
        join(now, group);
    }

    /** The driver's logs hold every record up to {@code ticket} durably. */
    public void onPersisted(long now, long ticket) {
        this.now = now;
        for (GroupMember member : groups.values()) {
            member.onPersisted(ticket);
        }
    }

    public void leave(long now, String group) {
        this.now = now;
        GroupMember member = groups.get(group);
        if (member != null) {
            member.leave(now);
        }
    }

    /** @return the message number, or -1 when the group is not joined */
    public long send(long now, String group, DeliveryKind kind, byte[] payload) {
        this.now = now;
        GroupMember member = groups.get(group);
        return member == null ? -1 : member.send(now, kind, payload);
    }

    /** @return false when the group is not joined or {@code to} is not in its view */
    public boolean p2pSend(long now, String group, MemberId to, byte[] payload) {
        this.now = now;
        GroupMember member = groups.get(group);
        return member != null && member.p2pSend(to, payload);
    }

    // ---------------------------------------------------------------- network and time

    public void onMessage(long now, String from, ProtocolMessage message) {
        this.now = now;
        failureDetector.heard(from, now);
        if (message instanceof Heartbeat h) {
            if (failureDetector.heartbeat(from, h.incarnation(), now)) {
                tickGroups(now);
            }
        } else if (message instanceof JoinProbe probe) {
            answerProbe(now, from, probe);
        } else if (message instanceof GroupMessage m) {
            GroupMember member = groups.get(m.group());
            if (member != null) {
                member.onMessage(now, from, m);
            }
        }
    }

    /**
     * Frames from {@code address} arrived at {@code atMs}, though they may still wait to be
     * processed: a busy protocol thread must not mistake its own backlog for a silent peer.
     */
    public void onHeard(String address, long atMs) {
        failureDetector.heard(address, atMs);
    }

    /** A connection attempt to {@code address} was refused: its process is gone. */
    public void onPeerUnreachable(long now, String address) {
        this.now = now;
        failureDetector.unreachable(address);
        for (GroupMember member : groups.values().toArray(GroupMember[]::new)) {
            member.peerUnreachable(address, now);
        }
        tickGroups(now);
    }

    public void onTick(long now) {
        this.now = now;
        context.clockMs(now);
        for (String address : failureDetector.tick(now)) {
            effects.send(address, new Heartbeat(config.processIncarnation()));
        }
        tickGroups(now);
        pruneProbers(now);
    }

    /** End of a batch of events: sends what the groups batched (order tokens, acks). */
    public void flush() {
        for (GroupMember member : groups.values()) {
            member.flush();
        }
    }

    private void tickGroups(long now) {
        for (GroupMember member : groups.values().toArray(GroupMember[]::new)) {
            member.tick(now);
        }
    }

    // ---------------------------------------------------------------- queries

    public GroupStatus status(String group) {
        GroupMember member = groups.get(group);
        return member == null ? GroupStatus.IDLE : member.status();
    }

    public View view(String group) {
        GroupMember member = groups.get(group);
        return member == null ? null : member.view();
    }

    public MemberId self(String group) {
        GroupMember member = groups.get(group);
        return member == null ? null : member.self();
    }

    public long unstable(String group) {
        GroupMember member = groups.get(group);
        return member == null ? 0 : member.unstable();
    }

    public long pendingSends(String group) {
        GroupMember member = groups.get(group);
        return member == null ? 0 : member.pendingSends();
    }

    public Set<String> groups() {
        return Set.copyOf(groups.keySet());
    }

    /** Well-formed frames that made no sense here (stale, unknown sender, absurd numbers). */
    public long droppedFrames() {
        return dropped;
    }

    // ---------------------------------------------------------------- joins

    private void answerProbe(long now, String from, JoinProbe probe) {
        String group = probe.group();
        if (recentProbers.size() < MAX_PROBED_GROUPS || recentProbers.containsKey(group)) {
            Map<MemberId, Long> probers = recentProbers.computeIfAbsent(group, g -> new HashMap<>());
            if (probers.size() < MAX_PROBERS_PER_GROUP || probers.containsKey(probe.joiner())) {
                probers.put(probe.joiner(), now);
                proberPositions.computeIfAbsent(group, g -> new HashMap<>()).put(probe.joiner(), probe.position());
            }
        }
        GroupMember member = groups.get(group);
        if (member != null) {
            member.supersededBy(probe.joiner(), now);
        }
        JoinProbeReply reply = member == null ? null : member.probeReply();
        if (reply == null) {
            Candidate joining = bestRecentJoiner(group, probe.joiner());
            if (member != null && member.status() == GroupStatus.JOINING && member.self() != null) {
                Candidate mine = new Candidate(member.self(), member.position());
                if (joining == null || mine.outranks(joining)) {
                    joining = mine;
                }
            }
            reply = new JoinProbeReply(group, null, joining == null ? null : joining.member(),
                    member == null ? 0 : member.highestViewSeen(), joining == null ? 0 : joining.position());
        }
        effects.send(from, reply);
    }

    private Candidate bestRecentJoiner(String group, MemberId excluding) {
        Map<MemberId, Long> probers = recentProbers.get(group);
        if (probers == null) {
            return null;
        }
        Map<MemberId, Long> positions = proberPositions.getOrDefault(group, Map.of());
        Candidate best = null;
        for (Map.Entry<MemberId, Long> entry : probers.entrySet()) {
            MemberId joiner = entry.getKey();
            if (!joiner.address().equals(excluding.address()) && now - entry.getValue() <= 3 * config.joinRetryMs()) {
                Candidate candidate = new Candidate(joiner, positions.getOrDefault(joiner, 0L));
                if (best == null || candidate.outranks(best)) {
                    best = candidate;
                }
            }
        }
        return best;
    }

    private void pruneProbers(long now) {
        for (Iterator<Map.Entry<String, Map<MemberId, Long>>> groupsIt = recentProbers.entrySet().iterator();
                groupsIt.hasNext(); ) {
            Map.Entry<String, Map<MemberId, Long>> entry = groupsIt.next();
            Map<MemberId, Long> probers = entry.getValue();
            probers.values().removeIf(at -> now - at > 3 * config.joinRetryMs());
            Map<MemberId, Long> positions = proberPositions.get(entry.getKey());
            if (positions != null) {
                positions.keySet().retainAll(probers.keySet());
            }
            if (probers.isEmpty()) {
                groupsIt.remove();
                proberPositions.remove(entry.getKey());
            }
        }
    }

    private final class Context implements NodeContext {
        @Override
        public ProtocolConfig config() {
            return config;
        }

        @Override
        public Effects effects() {
            return effects;
        }

        @Override
        public HistoryListener history() {
            return history;
        }

        @Override
        public long clockMs(long now) {
            if (firstNow == Long.MIN_VALUE) {
                firstNow = now;
            }
            return config.processIncarnation() + (now - firstNow);
        }

        @Override
        public MemberId newMemberId() {
            joins++;
            if (joins >= (1L << ProtocolConfig.JOIN_BITS)) {
                throw new IllegalStateException("too many joins in one process lifetime");
            }
            return new MemberId(config.localAddress(), (config.processIncarnation() << ProtocolConfig.JOIN_BITS) | joins);
        }

        @Override
        public boolean isSuspected(MemberId member) {
            return failureDetector.isSuspected(member);
        }

        @Override
        public Candidate bestRecentJoiner(String group, MemberId excluding) {
            return ProtocolNode.this.bestRecentJoiner(group, excluding);
        }

        @Override
        public SafeJournal journal(String group) {
            return journals.get(group);
        }

        @Override
        public void membershipChanged(long now) {
            Set<String> peers = new HashSet<>();
            for (GroupMember member : groups.values()) {
                peers.addAll(member.peerAddresses());
            }
            failureDetector.watch(peers, now);
        }

        @Override
        public void dropped() {
            dropped++;
        }

        @Override
        public void log(String message) {
            log.accept(message);
        }
    }
}
