package io.vsync.history;

import io.vsync.api.MemberId;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Guarantee 8: each member delivers the messages of one sender in send order, and with the
 * kind they were sent with. Every kind counts, since every Vsync primitive is FIFO per sender:
 * one sender numbers all its messages of a group in one sequence.
 *
 * <p>A repeated delivery is guarantee 7's business and is skipped here.
 */
final class FifoCheck implements GuaranteeCheck {

    @Override
    public void check(GroupHistory history, ViolationCollector violations) {
        for (MemberId member : history.members()) {
            Map<MemberId, Long> highestFrom = new HashMap<>();
            Set<MessageId> delivered = new HashSet<>();
            for (HistoryEvent event : history.eventsOf(member)) {
                if (event instanceof HistoryEvent.Delivered d && delivered.add(MessageId.of(d))) {
                    checkOrder(history, d, highestFrom, violations);
                    checkKind(history, d, violations);
                }
            }
        }
    }

    private static void checkOrder(GroupHistory history, HistoryEvent.Delivered d, Map<MemberId, Long> highestFrom,
                                   ViolationCollector violations) {
        Long highest = highestFrom.get(d.sender());
        if (highest != null && d.msgNo() < highest) {
            violations.report(Guarantee.FIFO, () -> "group " + history.group() + ": " + d.member() + " delivered "
                    + d.sender() + "'s message " + d.msgNo() + " (view " + d.viewId() + ") after its message "
                    + highest);
        } else {
            highestFrom.put(d.sender(), d.msgNo());
        }
    }

    private static void checkKind(GroupHistory history, HistoryEvent.Delivered d, ViolationCollector violations) {
        List<HistoryEvent.Sent> sends = history.sendsOf(MessageId.of(d));
        if (sends.isEmpty()) {
            return; // never sent: guarantee 7
        }
        for (HistoryEvent.Sent sent : sends) {
            if (sent.kind() == d.kind()) {
                return;
            }
        }
        violations.report(Guarantee.FIFO, () -> "group " + history.group() + ": " + d.member() + " delivered "
                + MessageId.of(d) + " (view " + d.viewId() + ") as " + d.kind() + " but it was sent as "
                + sends.get(0).kind());
    }
}
