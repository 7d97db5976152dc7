package io.vsync.membership;

import io.vsync.api.DeliveryKind;
import io.vsync.api.GroupStatus;
import io.vsync.api.MemberId;
import io.vsync.api.View;
import io.vsync.message.Accept;
import io.vsync.message.Accepted;
import io.vsync.message.Ack;
import io.vsync.message.CatchUp;
import io.vsync.message.Commit;
import io.vsync.message.Data;
import io.vsync.message.Decision;
import io.vsync.message.GroupMessage;
import io.vsync.message.JoinProbeReply;
import io.vsync.message.JoinRequest;
import io.vsync.message.LeaveRequest;
import io.vsync.message.Nak;
import io.vsync.message.NotMember;
import io.vsync.message.OrderToken;
import io.vsync.message.Prepare;
import io.vsync.message.Promise;
import io.vsync.message.Reject;
import io.vsync.message.Suspicion;
import io.vsync.multicast.DeliverySink;
import io.vsync.multicast.OwnMessage;
import io.vsync.multicast.SafeJournal;
import io.vsync.durability.SafeRecord;
import io.vsync.multicast.ViewStreams;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One member's protocol state machine for one group: joining, the views it installs, the view
 * changes it proposes or takes part in, and its multicast streams.
 *
 * <p>This class holds the member's state and does what touches all of it: the application's
 * calls, ticks, the dispatch of each view's traffic to its {@link ViewStreams}, installing a
 * view, leaving and exclusion. Three parts run their own protocols against that state:
 * {@link JoinProbing} finds the group (or creates it) while joining, {@link ViewChange}
 * proposes and accepts the change to the next view, and {@link ViewCatchUp} brings a member
 * that missed a view change up to date.
 */
final class GroupMember {

    private final String group;
    private final NodeContext node;

    // The parts that run their own protocols against this member's state.
    private final JoinProbing joining;
    private final ViewChange viewChange;
    private final ViewCatchUp catchUp;

    private MemberId self;
    private GroupStatus status = GroupStatus.IDLE;
    private View view;
    private ViewStreams streams;
    /** Per-view lookups, rebuilt when the view changes: the hot path of every frame. */
    private View othersOfView;
    private List<String> otherAddresses;
    private Map<String, Integer> rankByAddress;
    private Map<MemberId, Integer> rankByMember;
    private long highestViewSeen;
    /** The last view id this member's safeSend log recovered: its creation tie-break position. */
    private long position;
    private long nextMsgNo;
    private final ArrayDeque<OwnMessage> held = new ArrayDeque<>();
    private long lastNow;
    private long lastAckAt;
    private long lastNakCheckAt;

    // What the next view change must take care of; ViewChange reads them to decide the next view.
    final Set<MemberId> suspects = new HashSet<>();
    final LinkedHashSet<MemberId> pendingJoins = new LinkedHashSet<>();
    final Set<MemberId> pendingLeaves = new HashSet<>();

    // Joining, and joining again after an exclusion.
    private boolean autoRejoin;
    private long rejoinAt = -1;

    /**
     * When this member last asked for a change of its own membership: a join probe or a leave
     * request. Both retries are paced by it (a member is never joining and leaving at once).
     */
    long lastRequestAt;

    // Leaving.
    private long leaveRequestedAt = -1;
    private boolean joinAfterLeave;

    GroupMember(String group, NodeContext node) {
        this.group = group;
        this.node = node;
        this.joining = new JoinProbing(this, node);
        this.catchUp = new ViewCatchUp(this, node);
        this.viewChange = new ViewChange(this, catchUp, node);
    }

    // ================================================================ queries

    String group() {
        return group;
    }

    GroupStatus status() {
        return status;
    }

    View view() {
        return view;
    }

    MemberId self() {
        return self;
    }

    ViewStreams streams() {
        return streams;
    }

    /** Addresses of the peers this member must watch for failure. */
    Set<String> peerAddresses() {
        Set<String> peers = new HashSet<>();
        if (view != null && hasView()) {
            for (MemberId m : view.members()) {
                peers.add(m.address());
            }
        }
        for (MemberId m : pendingJoins) {
            peers.add(m.address());
        }
        peers.remove(node.config().localAddress());
        return peers;
    }

    long highestViewSeen() {
        return highestViewSeen;
    }

    long position() {
        return position;
    }

    /** What the group's safeSend log recovered before joining. */
    void recovered(long lastViewId) {
        position = Math.max(position, lastViewId);
        highestViewSeen = Math.max(highestViewSeen, lastViewId);
    }

    void onPersisted(long ticket) {
        if (streams != null) {
            streams.onPersisted(ticket);
        }
    }

    long unstable() {
        return streams == null ? 0 : streams.unstableCount();
    }

    long pendingSends() {
        return held.size();
    }

    boolean hasView() {
        return status == GroupStatus.MEMBER || status == GroupStatus.VIEW_CHANGE || status == GroupStatus.LEAVING;
    }

    // ================================================================ application calls

    void join(long now) {
        if (status == GroupStatus.LEAVING) {
            // Honoured once the leave completes: the old membership must end cleanly first.
            joinAfterLeave = true;
            return;
        }
        if (status == GroupStatus.JOINING || hasView()) {
            return;
        }
        autoRejoin = true;
        startJoin(now);
    }

    private void startJoin(long now) {
        self = node.newMemberId();
        nextMsgNo = 0;
        view = null;
        streams = null;
        suspects.clear();
        pendingJoins.clear();
        pendingLeaves.clear();
        catchUp.reset();
        viewChange.reset();
        leaveRequestedAt = -1;
        rejoinAt = -1;
        setStatus(GroupStatus.JOINING);
        joining.start(now);
    }

    void leave(long now) {
        autoRejoin = false;
        joinAfterLeave = false;
        if (status == GroupStatus.JOINING || status == GroupStatus.PARTITIONED || status == GroupStatus.IDLE) {
            abandon();
            setStatus(GroupStatus.LEFT);
            return;
        }
        if (!hasView() || status == GroupStatus.LEAVING) {
            return;
        }
        if (view.size() == 1) {
            finishLeave();
            return;
        }
        leaveRequestedAt = now;
        setStatus(GroupStatus.LEAVING);
        requestLeave();
        viewChange.evaluate(now);
    }

    /**
     * Multicasts (or holds for the next view).
     *
     * @return the message number, or -1 when this member is not in a state to send
     */
    long send(long now, DeliveryKind kind, byte[] payload) {
        if (!(status == GroupStatus.JOINING || hasView())) {
            return -1;
        }
        long msgNo = ++nextMsgNo;
        OwnMessage message = new OwnMessage(msgNo, kind, payload, 0, 0);
        if (streams != null && !streams.isWedged() && status != GroupStatus.JOINING) {
            multicast(message);
        } else {
            held.add(message);
        }
        return msgNo;
    }

    /** Sends to one member of the current view, outside the ordered streams. */
    boolean p2pSend(MemberId to, byte[] payload) {
        if (!hasView() || !view.contains(to)) {
            return false;
        }
        Data data = new Data(group, view.id(), self, 0, ++nextMsgNo, DeliveryKind.P2P.code(), true, payload);
        if (to.equals(self)) {
            node.effects().deliver(group, self, data.msgNo(), view.id(), DeliveryKind.P2P, payload);
        } else {
            node.effects().send(to.address(), data);
        }
        return true;
    }

    private void multicast(OwnMessage message) {
        List<Data> frames = streams.send(message.msgNo(), message.kind(), message.payload());
        node.history().sent(group, self, message.msgNo(), view.id(), message.kind());
        List<String> others = otherAddresses();
        for (Data frame : frames) {
            if (!others.isEmpty()) {
                node.effects().send(others, frame);
            }
        }
    }

    /** Every other member's address; fixed for a view, so computed once per view. */
    private List<String> otherAddresses() {
        if (othersOfView != view) {
            List<String> others = new ArrayList<>(view.size() - 1);
            Map<String, Integer> ranks = new HashMap<>();
            Map<MemberId, Integer> memberRanks = new HashMap<>();
            for (int i = 0; i < view.size(); i++) {
                MemberId m = view.members().get(i);
                memberRanks.put(m, i);
                ranks.putIfAbsent(m.address(), i);
                if (!m.equals(self)) {
                    others.add(m.address());
                }
            }
            otherAddresses = List.copyOf(others);
            rankByAddress = ranks;
            rankByMember = memberRanks;
            othersOfView = view;
        }
        return otherAddresses;
    }

    /** Rank of a member in the installed view, or -1. */
    int rankOf(MemberId member) {
        otherAddresses();
        return rankByMember.getOrDefault(member, -1);
    }

    // ================================================================ time

    void tick(long now) {
        lastNow = now;
        switch (status) {
            case JOINING -> joining.tick(now);
            case PARTITIONED -> {
                if (autoRejoin && rejoinAt >= 0 && now >= rejoinAt) {
                    startJoin(now);
                }
            }
            case MEMBER, VIEW_CHANGE, LEAVING -> memberTick(now);
            default -> {
            }
        }
    }

    private void memberTick(long now) {
        for (MemberId m : view.members()) {
            if (!m.equals(self) && !suspects.contains(m) && node.isSuspected(m)) {
                suspect(m, now);
            }
        }
        viewChange.checkStalled(now);
        if (status == GroupStatus.LEAVING) {
            // A leave nobody acts on (everyone leaving at once, the leader gone) ends by itself after
            // two failure timeouts: by then the others have removed this member anyway.
            if (now - leaveRequestedAt > 2 * node.config().failureTimeoutMs()) {
                finishLeave();
                return;
            }
            if (now - lastRequestAt >= node.config().joinRetryMs()) {
                lastRequestAt = now;
                requestLeave();
            }
        }
        if (now - lastAckAt >= node.config().heartbeatIntervalMs()) {
            lastAckAt = now;
            Ack ack = streams.takeAck(true);
            sendToOthers(ack);
        }
        if (now - lastNakCheckAt >= node.config().retransmitIntervalMs()) {
            lastNakCheckAt = now;
            Set<Integer> suspectedRanks = new HashSet<>();
            for (MemberId m : suspects) {
                suspectedRanks.add(view.rankOf(m));
            }
            for (ViewStreams.NakTo nak : streams.naksDue(suspectedRanks)) {
                node.effects().send(view.members().get(nak.toRank()).address(), nak.nak());
            }
        }
        viewChange.evaluate(now);
    }

    /** End of a batch of events: send what was batched (order tokens, acks). */
    void flush() {
        if (!hasView() || streams == null) {
            return;
        }
        OrderToken token = streams.takeToken();
        if (token != null) {
            sendToOthers(token);
        }
        Ack ack = streams.takeAck(false);
        if (ack != null) {
            sendToOthers(ack);
        }
    }

    void sendToOthers(GroupMessage message) {
        List<String> others = otherAddresses();
        if (!others.isEmpty()) {
            node.effects().send(others, message);
        }
    }

    // ================================================================ incoming

    void onMessage(long now, String from, GroupMessage message) {
        lastNow = now;
        if (message instanceof Data d) {
            onViewTraffic(now, from, d.viewId(), d.sender(), d);
        } else if (message instanceof OrderToken t) {
            onViewTraffic(now, from, t.viewId(), null, t);
        } else if (message instanceof Ack a) {
            onViewTraffic(now, from, a.viewId(), null, a);
        } else if (message instanceof Nak k) {
            onViewTraffic(now, from, k.viewId(), null, k);
        } else if (message instanceof JoinProbeReply r) {
            joining.onProbeReply(now, from, r);
        } else if (message instanceof JoinRequest r) {
            onJoinRequest(now, r);
        } else if (message instanceof LeaveRequest r) {
            onLeaveRequest(now, r);
        } else if (message instanceof Suspicion sus) {
            onSuspicion(now, sus);
        } else if (message instanceof Prepare p) {
            viewChange.onPrepare(now, from, p);
        } else if (message instanceof Promise p) {
            viewChange.onPromise(now, from, p);
        } else if (message instanceof Accept a) {
            viewChange.onAccept(now, from, a);
        } else if (message instanceof Accepted a) {
            viewChange.onAccepted(now, from, a);
        } else if (message instanceof Commit c) {
            onCommit(now, from, c);
        } else if (message instanceof Reject r) {
            viewChange.onReject(now, r);
        } else if (message instanceof NotMember nm) {
            catchUp.onNotMember(now, from, nm);
        } else if (message instanceof CatchUp c) {
            catchUp.onCatchUp(from, c);
        }
        // Join probes are answered by the node, which knows about groups it does not host.
    }

    private void onViewTraffic(long now, String from, long viewId, MemberId sender, GroupMessage message) {
        highestViewSeen = Math.max(highestViewSeen, viewId);
        if (!hasView()) {
            if (status == GroupStatus.JOINING) {
                catchUp.heardWhileJoining(now, from, viewId, message);
            }
            return;
        }
        if (viewId > view.id()) {
            catchUp.heardFromLaterView(now, from, message);
            return;
        }
        if (viewId < view.id()) {
            int rank = sender != null ? rankOf(sender) : rankOfAddress(from);
            if (rank < 0) {
                catchUp.tellNotMember(now, from, sender);
            }
            return;
        }
        if (message instanceof Data d) {
            int rank = rankOf(d.sender());
            if (rank < 0) {
                node.dropped();
            } else if (d.kind() == DeliveryKind.P2P.code()) {
                node.effects().deliver(group, d.sender(), d.msgNo(), view.id(), DeliveryKind.P2P, d.payload());
            } else if (!streams.onData(rank, d)) {
                node.dropped();
            }
        } else if (message instanceof OrderToken t) {
            // Order tokens come from the leader, or from any member resending what it holds.
            if (rankOfAddress(from) < 0 || !streams.onToken(t)) {
                node.dropped();
            }
        } else if (message instanceof Ack a) {
            int rank = rankOfAddress(from);
            if (rank < 0 || !streams.onAck(rank, a)) {
                node.dropped();
            }
        } else if (message instanceof Nak k) {
            for (Object frame : streams.retransmit(k)) {
                node.effects().send(from, (GroupMessage) frame);
            }
        }
    }

    int rankOfAddress(String address) {
        otherAddresses();
        return rankByAddress.getOrDefault(address, -1);
    }

    /** A connection to {@code address} was refused: no process, so no member, is there. */
    void peerUnreachable(String address, long now) {
        if (status == GroupStatus.JOINING) {
            joining.connectionRefused(address, now);
        }
    }

    // ================================================================ joining: the members' side

    private void onJoinRequest(long now, JoinRequest r) {
        if (!hasView() || view.contains(r.joiner())) {
            return;
        }
        if (r.joiner().address().equals(node.config().localAddress())) {
            // This process has one member in the group, and it is this one: a request in its name
            // is stale or forged, and could never be admitted (fuzzing finding F1).
            node.dropped();
            return;
        }
        supersededBy(r.joiner(), now);
        if (!amProposerCandidate()) {
            MemberId leader = candidateLeader();
            if (leader != null && !leader.equals(self)) {
                node.effects().send(leader.address(), r);
            }
            return;
        }
        pendingJoins.add(r.joiner());
        viewChange.evaluate(now);
    }

    /**
     * A process asks to join with a newer incarnation than the one in our view: it only does
     * that once its earlier membership ended (it crashed and restarted, or found itself
     * excluded), so the earlier member is gone even though its process still answers
     * heartbeats.
     */
    void supersededBy(MemberId joiner, long now) {
        if (!hasView()) {
            return;
        }
        for (MemberId m : view.members()) {
            if (m.address().equals(joiner.address()) && m.incarnation() < joiner.incarnation()
                    && !m.equals(self) && !suspects.contains(m)) {
                suspect(m, now);
            }
        }
        viewChange.evaluate(now);
    }

    /** What this node answers to a join probe when it hosts the group. */
    JoinProbeReply probeReply() {
        if (hasView()) {
            return new JoinProbeReply(group, candidateLeader(), null, view.id());
        }
        return null;
    }

    // ================================================================ leaving

    private void requestLeave() {
        if (amProposerCandidate()) {
            pendingLeaves.add(self);
        } else {
            MemberId leader = candidateLeader();
            if (leader != null) {
                node.effects().send(leader.address(), new LeaveRequest(group, view.id(), self));
            }
        }
    }

    private void onLeaveRequest(long now, LeaveRequest r) {
        if (!hasView() || !view.contains(r.member())) {
            return;
        }
        if (!amProposerCandidate()) {
            MemberId leader = candidateLeader();
            if (leader != null && !leader.equals(self)) {
                node.effects().send(leader.address(), r);
            }
            return;
        }
        pendingLeaves.add(r.member());
        viewChange.evaluate(now);
    }

    private void finishLeave() {
        abandon();
        node.history().left(group, self);
        setStatus(GroupStatus.LEFT);
        if (joinAfterLeave) {
            joinAfterLeave = false;
            autoRejoin = true;
            rejoinAt = -1;
            startJoin(lastNow);
        }
    }

    /** Releases the flow-control credit of everything this member will never send now. */
    private void abandon() {
        long bytes = 0;
        if (streams != null) {
            for (OwnMessage m : streams.unstableOwn()) {
                bytes += m.payload().length;
            }
        }
        for (OwnMessage m : held) {
            bytes += m.payload().length;
        }
        held.clear();
        if (bytes > 0) {
            node.effects().released(group, bytes);
        }
        streams = null;
        viewChange.abandonProposal();
    }

    void excluded(long now, String why) {
        if (status == GroupStatus.LEAVING && !joinAfterLeave) {
            // It asked to leave and is now out: for the application the leave is done (seen when
            // every member leaves at once and the last ones can no longer form a majority).
            node.log("group " + group + ": " + self + " left while its leave was pending (" + why + ")");
            finishLeave();
            return;
        }
        long viewId = view == null ? 0 : view.id();
        abandon();
        node.history().partitioned(group, self, viewId);
        node.log("group " + group + ": " + self + " is out of the primary view (" + why + ")");
        setStatus(GroupStatus.PARTITIONED);
        if (joinAfterLeave) {
            // Excluded while leaving, with a join queued behind the leave: the leave is moot.
            joinAfterLeave = false;
            autoRejoin = true;
        }
        rejoinAt = now + node.config().joinRetryMs();
    }

    // ================================================================ suspicion and leadership

    void suspect(MemberId m, long now) {
        suspects.add(m);
        MemberId leader = candidateLeader();
        if (leader != null && !leader.equals(self)) {
            node.effects().send(leader.address(), new Suspicion(group, view.id(), m));
        }
    }

    private void onSuspicion(long now, Suspicion s) {
        if (!hasView() || s.viewId() != view.id() || !view.contains(s.suspect()) || s.suspect().equals(self)) {
            return;
        }
        suspects.add(s.suspect());
        viewChange.evaluate(now);
    }

    /** The lowest-ranked member this member does not suspect. */
    private MemberId candidateLeader() {
        for (MemberId m : view.members()) {
            if (!suspects.contains(m)) {
                return m;
            }
        }
        return null;
    }

    boolean amProposerCandidate() {
        return self.equals(candidateLeader());
    }

    // ================================================================ commit and install

    void onCommit(long now, String from, Commit c) {
        Decision d = c.decision();
        if (status == GroupStatus.JOINING) {
            if (d.members().contains(self)) {
                // Kept like any member's: a member that missed this commit may ask the joiner.
                catchUp.keep(c);
                install(d, List.of(), now);
            }
            return;
        }
        if (!hasView() || c.viewId() != view.id() || d.newViewId() != view.id() + 1) {
            return;
        }
        if (!d.members().contains(self)) {
            if (d.left().contains(self)) {
                catchUp.keep(c);
                finishLeave();
            } else {
                excluded(now, "view " + d.newViewId() + " leaves it out");
            }
            return;
        }
        if (d.trim().length != view.size() || !streams.holds(d.trim(), d.tokenTrim())) {
            // Cannot happen when every member of the decision promised what it holds; if it does,
            // leaving and rejoining keeps the history clean.
            node.log("group " + group + ": " + self + " lacks messages below the cut of view " + d.newViewId());
            excluded(now, "cannot deliver up to the cut");
            return;
        }
        catchUp.keep(c);
        List<OwnMessage> resend = streams.cut(d.trim(), d.tokenTrim());
        install(d, resend, now);
    }

    void install(Decision d, List<OwnMessage> resend, long now) {
        view = new View(group, d.newViewId(), d.members(), d.joined(), d.left(), d.failed());
        highestViewSeen = Math.max(highestViewSeen, view.id());
        SafeJournal journal = node.journal(group);
        if (journal != null) {
            // Admitted to a live group: the state comes by transfer, and supersedes this process's
            // older log. Created (alone) or continuing: the log goes on.
            boolean admitted = d.joined().contains(self) && d.members().size() > 1;
            journal.persist(new SafeRecord.ViewInstalled(view.id(), view.members(), !admitted));
        }
        streams = new ViewStreams(group, view.id(), view.members(), view.rankOf(self), node.config().fragmentSize(),
                sink(), journal);
        catchUp.forgetOldCommits();
        // Suspicions start afresh in every view: each member of it just took part in the change
        // (or joined), and the failure detector re-raises at the next tick whatever still holds.
        // Carrying them over let two members that once suspected each other duel forever.
        suspects.clear();
        pendingJoins.removeAll(view.members());
        pendingLeaves.retainAll(view.members());
        viewChange.viewInstalled(now);
        node.history().viewInstalled(self, view);
        node.effects().viewInstalled(group, view);
        setStatus(status == GroupStatus.LEAVING ? GroupStatus.LEAVING : GroupStatus.MEMBER);
        // After the status: a joiner's peers only count as peers once it is a member (found by
        // the real-process test: a fresh joiner watched nobody and could not detect a crash).
        node.membershipChanged(now);
        for (OwnMessage m : resend) {
            multicast(m);
        }
        while (!held.isEmpty()) {
            multicast(held.poll());
        }
        if (status == GroupStatus.LEAVING) {
            requestLeave();
        }
        catchUp.replayParked(now);
        viewChange.evaluate(now);
    }

    private DeliverySink sink() {
        long viewId = view.id();
        return new DeliverySink() {
            @Override
            public void deliver(MemberId sender, long msgNo, DeliveryKind kind, byte[] payload) {
                node.history().delivered(group, self, sender, msgNo, viewId, kind);
                node.effects().deliver(group, sender, msgNo, viewId, kind, payload);
            }

            @Override
            public void released(long bytes) {
                node.effects().released(group, bytes);
            }
        };
    }

    void setStatus(GroupStatus next) {
        if (status != next) {
            status = next;
            node.effects().statusChanged(group, next);
        }
    }
}
