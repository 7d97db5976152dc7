package io.vsync.membership;

import io.vsync.api.GroupStatus;
import io.vsync.api.MemberId;
import io.vsync.message.Decision;
import io.vsync.message.JoinProbe;
import io.vsync.message.JoinProbeReply;
import io.vsync.message.JoinRequest;
import io.vsync.protocol.ProtocolConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The joiner's side of joining a group: it probes the seeds, asks the leader a seed names to
 * admit it, and creates the group itself only when the creation rule allows (see
 * {@link #maybeCreate}). Admission by the leader arrives as a commit, which {@link GroupMember}
 * installs; the members' side of a join (forwarding and admitting requests) is there too.
 */
final class JoinProbing {

    private final GroupMember member;
    private final NodeContext node;

    private final Map<String, JoinProbeReply> probeReplies = new HashMap<>();
    private final Map<String, Long> refusedSeeds = new HashMap<>();
    /** When each seed's latest answer arrived: only fresh answers count for creation. */
    private final Map<String, Long> answeredAt = new HashMap<>();
    private long joinStartedAt;

    JoinProbing(GroupMember member, NodeContext node) {
        this.member = member;
        this.node = node;
    }

    /** Starts probing afresh for a new incarnation: what earlier attempts learned is stale. */
    void start(long now) {
        probeReplies.clear();
        refusedSeeds.clear();
        answeredAt.clear();
        joinStartedAt = now;
        probe(now);
    }

    /** While joining: probe again when it is time, and create the group if the rule allows. */
    void tick(long now) {
        if (now - member.lastRequestAt >= node.config().joinRetryMs()) {
            probe(now);
        }
        maybeCreate(now);
    }

    private void probe(long now) {
        member.lastRequestAt = now;
        MemberId leader = knownLeader();
        if (leader != null) {
            node.effects().send(leader.address(), new JoinRequest(member.group(), member.self()));
        }
        List<String> seeds = otherSeeds();
        if (!seeds.isEmpty()) {
            node.effects().send(seeds, new JoinProbe(member.group(), member.self(), member.position()));
        }
    }

    private MemberId knownLeader() {
        for (JoinProbeReply reply : probeReplies.values()) {
            if (reply.leader() != null) {
                return reply.leader();
            }
        }
        return null;
    }

    private List<String> otherSeeds() {
        List<String> seeds = new ArrayList<>(node.config().seeds());
        seeds.remove(node.config().localAddress());
        return seeds;
    }

    /** A connection to {@code address} was refused while joining: no process, so no member, is there. */
    void connectionRefused(String address, long now) {
        refusedSeeds.put(address, now);
        probeReplies.remove(address);
        maybeCreate(now);
    }

    void onProbeReply(long now, String from, JoinProbeReply reply) {
        if (member.status() != GroupStatus.JOINING) {
            return;
        }
        boolean newLeader = reply.leader() != null && knownLeader() == null;
        probeReplies.put(from, reply);
        answeredAt.put(from, now);
        if (newLeader) {
            node.effects().send(reply.leader().address(), new JoinRequest(member.group(), member.self()));
        }
        maybeCreate(now);
    }

    /**
     * Creates the group when every other seed is known not to host a member (it answered so,
     * or its connection was refused: no process there), none named a leader, and nobody who
     * outranks it ({@link Candidate}: more of the history in its safeSend log, else a lower
     * address) is trying too: processes started at the same instant must not make two
     * groups of one name. A seed that stays silent (partitioned, paused) blocks creation: the
     * group may be alive behind it. That is why every member's address belongs in the seeds.
     */
    private void maybeCreate(long now) {
        if (member.status() != GroupStatus.JOINING || knownLeader() != null) {
            return;
        }
        MemberId self = member.self();
        List<String> others = otherSeeds();
        if (!others.isEmpty()) {
            if (now - joinStartedAt < node.config().joinRetryMs()) {
                return;
            }
            // Only fresh evidence counts. A seed's answer came after it saw our probe, so it knew
            // us as a joiner then and would not create the group itself; but it forgets us after
            // three retry intervals without a probe (we may have stalled), and may then create it.
            // An answer older than two intervals proves nothing any more.
            long freshSince = now - 2 * node.config().joinRetryMs();
            for (String seed : others) {
                Long refused = refusedSeeds.get(seed);
                Long answered = answeredAt.get(seed);
                boolean freshAnswer = answered != null && answered >= freshSince && probeReplies.containsKey(seed);
                boolean freshRefusal = refused != null && refused >= Math.max(joinStartedAt, freshSince);
                if (!freshAnswer && !freshRefusal) {
                    return;
                }
            }
            Candidate mine = new Candidate(self, member.position());
            for (JoinProbeReply reply : probeReplies.values()) {
                if (reply.joining() != null && !reply.joining().address().equals(self.address())
                        && new Candidate(reply.joining(), reply.joiningPosition()).outranks(mine)) {
                    return;
                }
            }
            Candidate rival = node.bestRecentJoiner(member.group(), self);
            if (rival != null && rival.outranks(mine)) {
                return;
            }
        }
        // A new line of views starts above anything anyone here knows, and above what any earlier
        // line could have reached: its number comes from the time (this process's incarnation is
        // its start time, plus the time since), so a group lost and made again never reuses a
        // view id even when every process that knew the old ids is gone. A line would have to
        // install 65,536 views in a millisecond to catch up with a later one.
        long firstId = Math.max(member.highestViewSeen() + 1, (node.clockMs(now) << ProtocolConfig.JOIN_BITS) + 1);
        for (JoinProbeReply reply : probeReplies.values()) {
            firstId = Math.max(firstId, reply.lastViewId() + 1);
        }
        Decision creation = new Decision(firstId, List.of(self), List.of(self), List.of(), List.of(), new long[0], 0);
        member.install(creation, List.of(), now);
    }
}
