package io.vsync.history;

import io.vsync.api.MemberId;
import io.vsync.api.View;

import java.util.HashSet;
import java.util.Set;

/**
 * Guarantee 4: the views of a group form one line, each formed by a majority of the view
 * before it, and a member that found itself in a minority does nothing more.
 *
 * <p>A view {@code v+1} must keep a majority of view {@code v}'s members, counting members
 * that left gracefully as agreeing: a leave is not a failure, and must not make the rest a
 * minority. (Two different views with the same id are guarantee 1's business.)
 *
 * <p>One exception: a <em>refounding</em>. When a group has lost its primary (no majority of
 * its last view survived together), its processes create it anew as fresh incarnations, and
 * the numbering continues from the highest id they know. Such a view has only new members
 * (every member is in {@code joined}) and owes nothing to the view before it. It is no back
 * door for split brain: if the old line were still alive it would install the same id with
 * other members, which guarantee 1 reports.
 *
 * <p>After its {@code Partitioned} event a member must not install a view, nor send or
 * deliver: it stopped, and only a new incarnation may come back. The application's events
 * (a reply, a checkpoint) may still follow: the application works through what was delivered
 * before, and each such event names the position it belongs to.
 */
final class PrimaryPartitionCheck implements GuaranteeCheck {

    @Override
    public void check(GroupHistory history, ViolationCollector violations) {
        checkMajorities(history, violations);
        checkSilenceAfterPartition(history, violations);
    }

    private static void checkMajorities(GroupHistory history, ViolationCollector violations) {
        Set<View> checked = new HashSet<>();
        for (MemberId member : history.members()) {
            for (HistoryEvent event : history.eventsOf(member)) {
                if (event instanceof HistoryEvent.ViewInstalled installed && checked.add(installed.view())) {
                    checkMajority(history, installed.view(), violations);
                }
            }
        }
    }

    private static void checkMajority(GroupHistory history, View view, ViolationCollector violations) {
        View previous = view.id() > 1 ? history.view(view.id() - 1) : null;
        if (previous == null) {
            return; // the previous view is unknown: nobody recorded installing it
        }
        if (!view.members().isEmpty() && view.joined().containsAll(view.members())) {
            return; // a refounding of a lost group, see the class comment
        }
        Set<MemberId> old = new HashSet<>(previous.members());
        int kept = 0;
        for (MemberId member : view.members()) {
            if (old.contains(member)) {
                kept++;
            }
        }
        int leavers = 0;
        for (MemberId member : view.left()) {
            if (old.contains(member) && !view.contains(member)) {
                leavers++;
            }
        }
        int majority = previous.size() / 2 + 1;
        if (kept + leavers < majority) {
            int keptCount = kept;
            int leaverCount = leavers;
            violations.report(Guarantee.PRIMARY_PARTITION, () -> "group " + history.group() + ": view " + view.id()
                    + " " + view.members() + " keeps " + keptCount + " member(s) of view " + previous.id() + " "
                    + previous.members() + " and " + leaverCount + " graceful leaver(s) " + view.left()
                    + ", fewer than the majority of " + majority + ": a minority formed a view");
        }
    }

    private static boolean isProtocolStep(HistoryEvent event) {
        return event instanceof HistoryEvent.ViewInstalled || event instanceof HistoryEvent.Sent
                || event instanceof HistoryEvent.Delivered;
    }

    private static void checkSilenceAfterPartition(GroupHistory history, ViolationCollector violations) {
        for (MemberId member : history.members()) {
            HistoryEvent.Partitioned partitioned = null;
            HistoryEvent firstAfter = null;
            int after = 0;
            for (HistoryEvent event : history.eventsOf(member)) {
                if (partitioned == null) {
                    if (event instanceof HistoryEvent.Partitioned p) {
                        partitioned = p;
                    }
                } else if (isProtocolStep(event)) {
                    if (firstAfter == null) {
                        firstAfter = event;
                    }
                    after++;
                }
            }
            if (firstAfter != null) {
                long viewId = partitioned.viewId();
                String first = describe(firstAfter);
                int more = after - 1;
                violations.report(Guarantee.PRIMARY_PARTITION, () -> "group " + history.group() + ": " + member
                        + " reported itself partitioned in view " + viewId + ", yet afterwards " + first
                        + (more > 0 ? " (and " + more + " more event(s))" : "")
                        + ": a partitioned member must stop and rejoin as a new incarnation");
            }
        }
    }

    private static String describe(HistoryEvent event) {
        if (event instanceof HistoryEvent.ViewInstalled v) {
            return "installed view " + v.view().id() + " " + v.view().members();
        } else if (event instanceof HistoryEvent.Sent s) {
            return "sent message " + s.msgNo() + " in view " + s.viewId();
        } else if (event instanceof HistoryEvent.Delivered d) {
            return "delivered " + MessageId.of(d) + " in view " + d.viewId();
        }
        return event.toString();
    }
}
