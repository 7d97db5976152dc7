package io.vsync.history;

import io.vsync.api.MemberId;

/** Guarantee 3: a member installs only views that list it. */
final class SelfInclusionCheck implements GuaranteeCheck {

    @Override
    public void check(GroupHistory history, ViolationCollector violations) {
        for (MemberId member : history.members()) {
            for (HistoryEvent event : history.eventsOf(member)) {
                if (event instanceof HistoryEvent.ViewInstalled installed && !installed.view().contains(member)) {
                    violations.report(Guarantee.SELF_INCLUSION, () -> "group " + history.group() + ": " + member
                            + " installed view " + installed.view().id() + " " + installed.view().members()
                            + ", which does not contain it");
                }
            }
        }
    }
}
