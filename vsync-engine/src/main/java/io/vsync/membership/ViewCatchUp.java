package io.vsync.membership;

import io.vsync.api.MemberId;
import io.vsync.message.CatchUp;
import io.vsync.message.Commit;
import io.vsync.message.GroupMessage;
import io.vsync.message.NotMember;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Catching up with views a member missed, on both sides: a member that hears traffic of a view
 * it has not installed parks that traffic and asks for the commit it missed ({@code CatchUp});
 * a member keeps its last few commits to answer, and tells a sender of an older view's traffic
 * that it is not a member any more ({@code NotMember}).
 */
final class ViewCatchUp {

    private static final int MAX_FUTURE_MESSAGES = 100_000;
    private static final int RECENT_COMMITS = 8;

    private final GroupMember member;
    private final NodeContext node;
    private final String group;

    /** The commits that ended recent views, by the id of the view each ended. */
    private final TreeMap<Long, Commit> recentCommits = new TreeMap<>();
    /** Traffic of a view this member has not installed yet, replayed once it has. */
    private final ArrayList<FromPeer> future = new ArrayList<>();

    private record FromPeer(String from, GroupMessage message) {
    }
    private long lastCatchUpAt = Long.MIN_VALUE / 2;
    private final Map<String, Long> lastNotMemberSent = new HashMap<>();

    ViewCatchUp(GroupMember member, NodeContext node) {
        this.member = member;
        this.node = node;
        this.group = member.group();
    }

    /** A new incarnation starts with no commits kept and no traffic parked. */
    void reset() {
        future.clear();
        recentCommits.clear();
    }

    // ================================================================ the member that missed a view

    /** While joining, traffic of view {@code viewId} arrived from {@code from}. */
    void heardWhileJoining(long now, String from, long viewId, GroupMessage message) {
        if (future.size() < MAX_FUTURE_MESSAGES) {
            // A joiner may hear the new view's traffic before its own admission arrives, or its
            // admission may have been lost with a broken connection: ask for the commit that
            // made this view, or it would sit in the view unaware and stall everyone.
            future.add(new FromPeer(from, message));
            if (now - lastCatchUpAt >= node.config().retransmitIntervalMs()) {
                lastCatchUpAt = now;
                node.effects().send(from, new CatchUp(group, viewId - 1));
            }
        }
    }

    /** Traffic of a view later than the installed one arrived from {@code from}. */
    void heardFromLaterView(long now, String from, GroupMessage message) {
        if (future.size() < MAX_FUTURE_MESSAGES) {
            future.add(new FromPeer(from, message));
        }
        ask(now, from);
    }

    /** Asks {@code from} for the commit that ended the installed view. */
    void ask(long now, String from) {
        if (now - lastCatchUpAt < node.config().retransmitIntervalMs()) {
            return;
        }
        lastCatchUpAt = now;
        node.effects().send(from, new CatchUp(group, member.view().id()));
    }

    void onNotMember(long now, String from, NotMember nm) {
        if (!member.hasView() || nm.currentViewId() <= member.view().id()) {
            return;
        }
        MemberId self = member.self();
        if (self.equals(nm.member()) || nm.currentViewId() > member.view().id() + 1) {
            member.excluded(now, "view " + nm.currentViewId() + " at " + from + " does not include " + self);
        } else {
            lastCatchUpAt = Long.MIN_VALUE / 2;
            ask(now, from);
        }
    }

    /** A view was installed: hands it the traffic parked for it (and any later view parks again). */
    void replayParked(long now) {
        List<FromPeer> waiting = new ArrayList<>(future);
        future.clear();
        for (FromPeer m : waiting) {
            member.onMessage(now, m.from(), m.message());
        }
    }

    // ================================================================ the members that can help

    /** Keeps {@code commit}, which ended the installed view, for members that miss it. */
    void keep(Commit commit) {
        recentCommits.put(commit.viewId(), commit);
    }

    /** Keeps only the last few commits. */
    void forgetOldCommits() {
        while (recentCommits.size() > RECENT_COMMITS) {
            recentCommits.pollFirstEntry();
        }
    }

    /** The commit that ended view {@code viewId}, if this member still keeps it. */
    Commit recentCommit(long viewId) {
        return recentCommits.get(viewId);
    }

    /**
     * Answered even after leaving or exclusion: a member that left right after committing may be
     * the only one that knows the commit another member missed.
     */
    void onCatchUp(String from, CatchUp c) {
        Commit commit = recentCommits.get(c.viewId());
        if (commit != null) {
            node.effects().send(from, commit);
        } else if (member.hasView() && c.viewId() < member.view().id()) {
            node.effects().send(from, new NotMember(group, member.view().id(), null));
        }
    }

    /** Traffic of an older view came from {@code to}, which is not in the installed view. */
    void tellNotMember(long now, String to, MemberId stale) {
        Long last = lastNotMemberSent.get(to);
        if (last != null && now - last < node.config().retransmitIntervalMs()) {
            return;
        }
        lastNotMemberSent.put(to, now);
        node.effects().send(to, new NotMember(group, member.view().id(), stale));
    }
}
