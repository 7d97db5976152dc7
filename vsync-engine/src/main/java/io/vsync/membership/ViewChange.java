package io.vsync.membership;

import io.vsync.api.GroupStatus;
import io.vsync.api.MemberId;
import io.vsync.api.View;
import io.vsync.message.Accept;
import io.vsync.message.Accepted;
import io.vsync.message.Ballot;
import io.vsync.message.Commit;
import io.vsync.message.Decision;
import io.vsync.message.Prepare;
import io.vsync.message.Promise;
import io.vsync.message.Reject;
import io.vsync.multicast.ViewStreams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One member's part in the change out of its current view, as proposer and as acceptor, and
 * the trigger that starts a change ({@link #evaluate}).
 *
 * <p>A view change is single-decree Paxos over "what the next view is and where each stream
 * of this view is cut" (docs/architecture.md, Membership): PREPARE wedges a majority of the old
 * view and collects what each holds; ACCEPT fixes the decision (adopting any decision a member
 * already accepted, which makes a proposer's crash mid-change safe); COMMIT delivers up to the
 * cut and installs. The commit is sent from here; {@link GroupMember} receives it and installs.
 */
final class ViewChange {

    private final GroupMember member;
    private final ViewCatchUp catchUp;
    private final NodeContext node;
    private final String group;

    // Acceptor state for the change out of the current view.
    private Ballot promised;
    private Ballot acceptedBallot;
    private Decision acceptedDecision;
    private long wedgedAt;

    private long maxRound;
    private Proposal proposal;
    private long proposeNotBefore;

    ViewChange(GroupMember member, ViewCatchUp catchUp, NodeContext node) {
        this.member = member;
        this.catchUp = catchUp;
        this.node = node;
        this.group = member.group();
    }

    private View view() {
        return member.view();
    }

    private ViewStreams streams() {
        return member.streams();
    }

    private MemberId self() {
        return member.self();
    }

    // ================================================================ lifecycle

    /** A new incarnation starts with no promise, acceptance or proposal (the highest round seen stays). */
    void reset() {
        resetAcceptor();
        proposal = null;
    }

    /** The member stops taking part in this group (it left or was excluded). */
    void abandonProposal() {
        proposal = null;
    }

    /** A new view is installed: the change out of it starts from nothing, and may start now. */
    void viewInstalled(long now) {
        resetAcceptor();
        proposal = null;
        proposeNotBefore = now;
    }

    // ================================================================ proposer

    /**
     * On every tick: a change this member promised to and that has stalled gets its proposer
     * suspected.
     */
    void checkStalled(long now) {
        if (streams().isWedged() && proposal == null && promised != null
                && now - wedgedAt > 3 * node.config().viewChangeTimeoutMs()
                && !promised.proposer().equals(self()) && view().contains(promised.proposer())
                && !member.suspects.contains(promised.proposer())) {
            // The change we promised to has stalled; its proposer is alive but not finishing it
            // (it may have moved on as a new incarnation). Let the next in line carry it forward.
            member.suspect(promised.proposer(), now);
        }
    }

    /** Starts, advances or gives up a view change as the situation requires. */
    void evaluate(long now) {
        if (!member.hasView()) {
            return;
        }
        if (proposal != null) {
            advanceProposal(now);
            return;
        }
        if (!member.amProposerCandidate() || now < proposeNotBefore) {
            return;
        }
        boolean needed = admissibleJoinPending() || !member.pendingLeaves.isEmpty();
        for (MemberId m : view().members()) {
            needed |= member.suspects.contains(m);
        }
        // A change some other proposer began and never finished must be carried forward.
        needed |= streams().isWedged() && now - wedgedAt > node.config().viewChangeTimeoutMs();
        if (needed) {
            // A StringBuilder, not +: every new group's first view change logs this line, and a
            // + site with this many parts spins dozens of classes the first time (Finding 14).
            node.log(new StringBuilder(160).append("group ").append(group).append(": ").append(self())
                    .append(" proposes a change of view ").append(view().id())
                    .append(" (joins ").append(member.pendingJoins).append(", leaves ").append(member.pendingLeaves)
                    .append(", suspects ").append(member.suspects)
                    .append(streams().isWedged() ? ", carrying a stalled change forward)" : ")").toString());
            propose(now);
        }
    }

    private void propose(long now) {
        maxRound++;
        proposal = new Proposal(new Ballot(maxRound, self()), now);
        Prepare prepare = new Prepare(group, view().id(), proposal.ballot);
        member.sendToOthers(prepare);
        onPrepare(now, node.config().localAddress(), prepare);
    }

    private int majority() {
        return view().size() / 2 + 1;
    }

    private void advanceProposal(long now) {
        Proposal p = proposal;
        boolean timedOut = now - p.phaseStartedAt >= node.config().viewChangeTimeoutMs();
        if (p.phase == Proposal.Phase.PREPARE) {
            boolean allAnswered = true;
            for (MemberId m : view().members()) {
                if (!p.promises.containsKey(m) && !member.suspects.contains(m) && !member.pendingLeaves.contains(m)) {
                    allAnswered = false;
                }
            }
            if (!allAnswered && !timedOut) {
                return;
            }
            if (p.promises.size() >= majority()) {
                p.decision = decide(p);
                p.phase = Proposal.Phase.ACCEPT;
                p.phaseStartedAt = now;
                Accept accept = new Accept(group, view().id(), p.ballot, p.decision);
                for (MemberId m : p.promises.keySet()) {
                    if (!m.equals(self())) {
                        node.effects().send(m.address(), accept);
                    }
                }
                onAccept(now, node.config().localAddress(), accept);
            } else if (timedOut) {
                // A minority is a side that cannot hear a majority. Members that are slow to answer
                // but alive (heard from lately) are waited for, and asked again in case the prepare
                // was lost on a broken connection.
                int reachable = p.promises.size();
                for (MemberId m : view().members()) {
                    if (!p.promises.containsKey(m) && !member.suspects.contains(m) && !node.isSuspected(m)) {
                        reachable++;
                        node.effects().send(m.address(), new Prepare(group, view().id(), p.ballot));
                    }
                }
                if (reachable >= majority()) {
                    p.phaseStartedAt = now;
                } else {
                    member.excluded(now, "only " + p.promises.size() + " of " + view().size()
                            + " members answered the view change and the rest cannot be heard: not a majority");
                }
            }
        } else {
            if (p.accepted.size() >= majority()) {
                commit(now, p.decision);
            } else if (timedOut) {
                proposal = null;
                proposeNotBefore = now;
                evaluate(now);
            }
        }
    }

    private Decision decide(Proposal p) {
        Promise adopted = null;
        for (Promise promise : p.promises.values()) {
            if (promise.accepted() != null
                    && (adopted == null || promise.acceptedBallot().compareTo(adopted.acceptedBallot()) > 0)) {
                adopted = promise;
            }
        }
        if (adopted != null) {
            return adopted.accepted();
        }
        View view = view();
        List<MemberId> members = new ArrayList<>();
        List<MemberId> left = new ArrayList<>();
        List<MemberId> failed = new ArrayList<>();
        Set<String> addresses = new HashSet<>();
        for (MemberId m : view.members()) {
            if (member.pendingLeaves.contains(m)) {
                left.add(m);
            } else if (p.promises.containsKey(m)) {
                members.add(m);
                addresses.add(m.address());
            } else {
                failed.add(m);
            }
        }
        List<MemberId> joined = new ArrayList<>();
        for (MemberId joiner : member.pendingJoins) {
            // A restarted process waits until its earlier incarnation is out of the view.
            if (!view.contains(joiner) && addresses.add(joiner.address())) {
                members.add(joiner);
                joined.add(joiner);
            }
        }
        long[] trim = new long[view.size()];
        Arrays.fill(trim, Long.MAX_VALUE);
        long tokenTrim = Long.MAX_VALUE;
        for (Promise promise : p.promises.values()) {
            for (int r = 0; r < trim.length; r++) {
                trim[r] = Math.min(trim[r], promise.received()[r]);
            }
            tokenTrim = Math.min(tokenTrim, promise.tokensReceived());
        }
        return new Decision(view.id() + 1, members, joined, left, failed, trim, tokenTrim);
    }

    private void commit(long now, Decision decision) {
        Commit commit = new Commit(group, view().id(), decision);
        Set<String> targets = new LinkedHashSet<>();
        for (MemberId m : view().members()) {
            targets.add(m.address());
        }
        for (MemberId m : decision.members()) {
            targets.add(m.address());
        }
        targets.remove(node.config().localAddress());
        if (!targets.isEmpty()) {
            node.effects().send(List.copyOf(targets), commit);
        }
        member.onCommit(now, node.config().localAddress(), commit);
    }

    // ================================================================ acceptor

    void onPrepare(long now, String from, Prepare p) {
        maxRound = Math.max(maxRound, p.ballot().round());
        if (!member.hasView()) {
            // Left or excluded: a prepare for the view this member committed its way out of means
            // the proposer missed that commit (seen when a leaver's commit was lost).
            Commit commit = catchUp.recentCommit(p.viewId());
            if (commit != null) {
                node.effects().send(from, commit);
            }
            return;
        }
        if (p.viewId() < view().id()) {
            Commit commit = catchUp.recentCommit(p.viewId());
            if (commit != null) {
                node.effects().send(from, commit);
            }
            return;
        }
        if (p.viewId() > view().id()) {
            catchUp.ask(now, from);
            return;
        }
        if (promised != null && p.ballot().compareTo(promised) < 0) {
            node.effects().send(from, new Reject(group, view().id(), promised));
            return;
        }
        promised = p.ballot();
        if (!streams().isWedged()) {
            streams().wedge();
            wedgedAt = now;
            if (member.status() == GroupStatus.MEMBER) {
                member.setStatus(GroupStatus.VIEW_CHANGE);
            }
        }
        Promise promise = new Promise(group, view().id(), p.ballot(), streams().received(),
                streams().tokensReceived(), acceptedBallot, acceptedDecision);
        if (p.ballot().proposer().equals(self())) {
            onPromise(now, from, promise);
        } else {
            node.effects().send(from, promise);
        }
    }

    /**
     * Whether a pending joiner could be admitted now. One whose address is taken by a member that
     * is not on its way out waits; proposing for it would install the same view again and again.
     */
    private boolean admissibleJoinPending() {
        for (MemberId joiner : member.pendingJoins) {
            boolean blocked = false;
            for (MemberId m : view().members()) {
                if (m.address().equals(joiner.address()) && !member.suspects.contains(m)
                        && !member.pendingLeaves.contains(m)) {
                    blocked = true;
                }
            }
            if (!blocked) {
                return true;
            }
        }
        return false;
    }

    void onPromise(long now, String from, Promise promise) {
        if (proposal == null || !promise.ballot().equals(proposal.ballot) || promise.viewId() != view().id()
                || proposal.phase != Proposal.Phase.PREPARE || promise.received().length != view().size()) {
            return;
        }
        if (promise.accepted() != null && !plausible(promise.accepted())) {
            // Only a forged or corrupted promise carries such a decision (fuzzing finding F2).
            node.dropped();
            return;
        }
        int rank = member.rankOfAddress(from);
        if (rank >= 0) {
            proposal.promises.put(view().members().get(rank), promise);
            advanceProposal(now);
        }
    }

    /** A decision that could have been made for the change out of the installed view. */
    boolean plausible(Decision d) {
        if (d.newViewId() != view().id() + 1 || d.members().isEmpty() || d.trim().length != view().size()
                || d.tokenTrim() < 0) {
            return false;
        }
        for (long t : d.trim()) {
            if (t < 0) {
                return false;
            }
        }
        return true;
    }

    void onAccept(long now, String from, Accept a) {
        if (!member.hasView() || a.viewId() != view().id() || !plausible(a.decision())) {
            return;
        }
        maxRound = Math.max(maxRound, a.ballot().round());
        if (promised != null && a.ballot().compareTo(promised) < 0) {
            node.effects().send(from, new Reject(group, view().id(), promised));
            return;
        }
        promised = a.ballot();
        acceptedBallot = a.ballot();
        acceptedDecision = a.decision();
        if (!streams().isWedged()) {
            streams().wedge();
            wedgedAt = now;
        }
        Accepted accepted = new Accepted(group, view().id(), a.ballot());
        if (a.ballot().proposer().equals(self())) {
            onAccepted(now, from, accepted);
        } else {
            node.effects().send(from, accepted);
        }
    }

    void onAccepted(long now, String from, Accepted a) {
        int rank = member.hasView() ? member.rankOfAddress(from) : -1;
        if (proposal == null || !a.ballot().equals(proposal.ballot) || a.viewId() != view().id()
                || proposal.phase != Proposal.Phase.ACCEPT || rank < 0) {
            return;
        }
        proposal.accepted.add(view().members().get(rank));
        advanceProposal(now);
    }

    void onReject(long now, Reject r) {
        maxRound = Math.max(maxRound, r.promised().round());
        if (proposal != null && member.hasView() && r.viewId() == view().id()
                && r.promised().compareTo(proposal.ballot) > 0) {
            proposal = null;
            // Back off by rank so that two proposers do not keep overtaking each other.
            proposeNotBefore = now + node.config().viewChangeTimeoutMs() / 4 * (1 + Math.max(0, view().rankOf(self())));
        }
    }

    private void resetAcceptor() {
        promised = null;
        acceptedBallot = null;
        acceptedDecision = null;
    }
}
