package io.vsync.history;

import io.vsync.api.MemberId;

/**
 * Guarantee 2: each member installs views in increasing id with no gaps. Its first install
 * may have any id (it joined then); every later one must be the next id.
 */
final class ViewOrderCheck implements GuaranteeCheck {

    @Override
    public void check(GroupHistory history, ViolationCollector violations) {
        for (MemberId member : history.members()) {
            Long previous = null;
            for (HistoryEvent event : history.eventsOf(member)) {
                if (!(event instanceof HistoryEvent.ViewInstalled installed)) {
                    continue;
                }
                long id = installed.view().id();
                if (previous != null && id != previous + 1) {
                    long before = previous;
                    String problem = id <= before ? "views must be installed in increasing order"
                            : "skipping view(s) " + (before + 1) + (id - 1 > before + 1 ? ".." + (id - 1) : "");
                    violations.report(Guarantee.VIEW_ORDER, () -> "group " + history.group() + ": " + member
                            + " installed view " + id + " right after view " + before + " (" + problem + ")");
                }
                previous = id;
            }
        }
    }
}
