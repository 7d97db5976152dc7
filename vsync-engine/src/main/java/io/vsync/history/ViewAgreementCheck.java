package io.vsync.history;

import io.vsync.api.MemberId;
import io.vsync.api.View;

import java.util.HashSet;

/**
 * Guarantee 1: every install of view {@code k} of a group has the same member list, in the
 * same rank order. The joined, left and failed lists describe the same change for everybody,
 * so they must agree too (as sets: their order carries no meaning).
 */
final class ViewAgreementCheck implements GuaranteeCheck {

    @Override
    public void check(GroupHistory history, ViolationCollector violations) {
        for (MemberId member : history.members()) {
            for (HistoryEvent event : history.eventsOf(member)) {
                if (event instanceof HistoryEvent.ViewInstalled installed) {
                    compare(history, installed, violations);
                }
            }
        }
    }

    private static void compare(GroupHistory history, HistoryEvent.ViewInstalled installed,
                                ViolationCollector violations) {
        View view = installed.view();
        View reference = history.view(view.id());
        if (view.equals(reference)) {
            return;
        }
        MemberId referenceMember = history.firstInstaller(view.id());
        String where = "group " + history.group() + " view " + view.id() + ": " + installed.member();
        if (!view.members().equals(reference.members())) {
            violations.report(Guarantee.VIEW_AGREEMENT, () -> where + " installed members " + view.members()
                    + " but " + referenceMember + " installed members " + reference.members());
        } else if (!sameSet(view, reference)) {
            violations.report(Guarantee.VIEW_AGREEMENT, () -> where + " installed the same members but "
                    + change(view) + ", whereas " + referenceMember + " installed " + change(reference));
        }
    }

    private static boolean sameSet(View a, View b) {
        return new HashSet<>(a.joined()).equals(new HashSet<>(b.joined()))
                && new HashSet<>(a.left()).equals(new HashSet<>(b.left()))
                && new HashSet<>(a.failed()).equals(new HashSet<>(b.failed()));
    }

    private static String change(View view) {
        return "joined " + view.joined() + " left " + view.left() + " failed " + view.failed();
    }
}
