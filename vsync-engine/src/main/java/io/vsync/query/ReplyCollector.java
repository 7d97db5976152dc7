package io.vsync.query;

import io.vsync.api.MemberId;
import io.vsync.api.Quorum;
import io.vsync.api.View;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The asker's side of one query, as a state machine: events in (the request's own delivery,
 * a reply, a new view, the clock), and whether the query is over and how. The members that
 * must answer are those of the view the request was delivered in; a member that leaves the
 * view before answering is named as failed and not waited for; the clock is whatever the
 * caller says it is. Not thread-safe: one caller at a time.
 */
public final class ReplyCollector {

    /** Where the query stands. */
    public enum State {
        /** Waiting for replies. */
        OPEN,
        /** The quorum answered (for {@code ALL}: every member that did not fail). */
        COMPLETE,
        /** Over without the quorum: the deadline passed, or too many members failed. */
        INCOMPLETE
    }

    private final Quorum quorum;
    private final MemberId onlyFrom;
    private final long deadlineMs;
    private View requestView;
    private final List<MemberId> repliers = new ArrayList<>();
    private final Set<MemberId> heard = new HashSet<>();
    private final Set<MemberId> failed = new LinkedHashSet<>();
    private State state = State.OPEN;

    /**
     * @param onlyFrom    the one member asked, for a point-to-point query; null for the group
     * @param currentView the asker's view now: a point-to-point query's request view
     * @param deadlineMs  when {@link #tick} ends the query, in the caller's clock;
     *                    {@link Long#MAX_VALUE} when the caller calls {@link #expire} itself
     */
    public ReplyCollector(Quorum quorum, MemberId onlyFrom, View currentView, long deadlineMs) {
        this.quorum = Objects.requireNonNull(quorum, "quorum");
        this.onlyFrom = onlyFrom;
        this.deadlineMs = deadlineMs;
        if (onlyFrom != null) {
            this.requestView = currentView;
        }
    }

    /** The request was delivered at the asker, in {@code view}: its members are the ones to answer. */
    public void requestDelivered(View view) {
        if (requestView == null) {
            requestView = view;
            evaluate();
        }
    }

    /**
     * A reply from {@code from}.
     *
     * @return whether it counts: false when the query is over, {@code from} already answered
     *         or is not one of the members asked
     */
    public boolean reply(MemberId from) {
        if (state != State.OPEN || !heard.add(from) || !expected(from)) {
            return false;
        }
        repliers.add(from);
        evaluate();
        return true;
    }

    /** A new view: members of the request's view that are gone will never answer. */
    public void viewChanged(View view) {
        if (requestView == null || state != State.OPEN) {
            return;
        }
        for (MemberId m : requestView.members()) {
            if (expected(m) && !view.contains(m) && !heard.contains(m)) {
                failed.add(m);
            }
        }
        evaluate();
    }

    /** The clock: at or past the deadline an open query ends incomplete. */
    public void tick(long nowMs) {
        if (nowMs >= deadlineMs) {
            expire();
        }
    }

    /** The deadline passed (for a caller with its own timer). */
    public void expire() {
        if (state == State.OPEN) {
            state = State.INCOMPLETE;
        }
    }

    public State state() {
        return state;
    }

    public boolean done() {
        return state != State.OPEN;
    }

    /** The view the request was delivered in; 0 while it is not known. */
    public long viewId() {
        return requestView == null ? 0 : requestView.id();
    }

    /** The members whose replies counted, in arrival order. */
    public List<MemberId> repliers() {
        return List.copyOf(repliers);
    }

    /** The members of the request's view that failed or left before answering. */
    public List<MemberId> failed() {
        return List.copyOf(failed);
    }

    private boolean expected(MemberId m) {
        return onlyFrom == null ? requestView == null || requestView.contains(m) : onlyFrom.equals(m);
    }

    private void evaluate() {
        if (requestView == null || state != State.OPEN) {
            return;
        }
        int size = onlyFrom == null ? requestView.size() : 1;
        int needed = onlyFrom == null ? quorum.needed(size) : 1;
        if (repliers.size() >= needed) {
            state = State.COMPLETE;
        } else if (repliers.size() + failed.size() >= size) {
            // Everyone answered or failed: for ALL that is the quorum of the survivors.
            state = quorum instanceof Quorum.All && !repliers.isEmpty() ? State.COMPLETE : State.INCOMPLETE;
        }
    }
}
