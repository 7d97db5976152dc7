package io.vsync.history;

import io.vsync.api.MemberId;
import io.vsync.api.View;

import java.util.HashSet;
import java.util.Set;

/**
 * Guarantee 7: every delivered message was sent, by a member of the view it is delivered in,
 * and no member delivers one message twice.
 *
 * <p>A message that was sent, but in another view than the one it is delivered in, is not
 * reported here: that is a delivery in the wrong view (guarantee 6), and reporting it twice
 * would hide which rule broke.
 */
final class NoCreationNoDuplicationCheck implements GuaranteeCheck {

    @Override
    public void check(GroupHistory history, ViolationCollector violations) {
        for (MemberId member : history.members()) {
            Set<MessageId> delivered = new HashSet<>();
            for (HistoryEvent event : history.eventsOf(member)) {
                if (event instanceof HistoryEvent.Delivered d) {
                    check(history, d, delivered, violations);
                }
            }
        }
    }

    private static void check(GroupHistory history, HistoryEvent.Delivered d, Set<MessageId> delivered,
                              ViolationCollector violations) {
        MessageId message = MessageId.of(d);
        if (history.sendsOf(message).isEmpty()) {
            violations.report(Guarantee.NO_CREATION_NO_DUPLICATION, () -> who(history, d) + ", which " + d.sender()
                    + " never sent");
        }
        View view = history.view(d.viewId());
        if (view != null && !view.contains(d.sender())) {
            violations.report(Guarantee.NO_CREATION_NO_DUPLICATION, () -> who(history, d)
                    + ", but the sender is not a member of view " + view.id() + " " + view.members());
        }
        if (!delivered.add(message)) {
            violations.report(Guarantee.NO_CREATION_NO_DUPLICATION, () -> who(history, d) + " a second time");
        }
    }

    /** Built only for violations that are shown: building it for every delivery costs more than the check. */
    private static String who(GroupHistory history, HistoryEvent.Delivered d) {
        return "group " + history.group() + ": " + d.member() + " delivered " + MessageId.of(d)
                + " in view " + d.viewId();
    }
}
