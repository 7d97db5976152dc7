package io.vsync.history;

import io.vsync.api.DeliveryKind;
import io.vsync.api.MemberId;
import java.util.HashMap;
import java.util.Map;

/**
 * Guarantee 9: a {@code causalSend} message is delivered after everything its sender had
 * delivered, in that view, before sending it.
 *
 * <p>Delivery is FIFO per sender (guarantee 8), so the sender's causal past is summed up by
 * the last message it had delivered from each other sender: every member that delivers the
 * causal message must have delivered each of those before it.
 */
final class CausalCheck implements GuaranteeCheck {

    @Override
    public void check(GroupHistory history, ViolationCollector violations) {
        // What each causal message depends on: sender → its last delivered msgNo, per other sender.
        Map<MessageId, Map<MemberId, Long>> pasts = new HashMap<>();
        for (MemberId member : history.members()) {
            Map<MemberId, Long> lastDelivered = new HashMap<>();
            long view = -1;
            for (HistoryEvent event : history.eventsOf(member)) {
                if (event instanceof HistoryEvent.ViewInstalled installed) {
                    view = installed.view().id();
                    lastDelivered.clear();
                } else if (event instanceof HistoryEvent.Delivered d && d.viewId() == view
                        && d.kind() != DeliveryKind.P2P && !d.sender().equals(member)) {
                    lastDelivered.put(d.sender(), d.msgNo());
                } else if (event instanceof HistoryEvent.Sent s && s.kind() == DeliveryKind.CAUSAL && s.viewId() == view) {
                    pasts.put(new MessageId(member, s.msgNo()), Map.copyOf(lastDelivered));
                }
            }
        }
        if (pasts.isEmpty()) {
            return;
        }
        for (MemberId member : history.members()) {
            Map<MemberId, Long> deliveredSoFar = new HashMap<>();
            long view = -1;
            for (HistoryEvent event : history.eventsOf(member)) {
                if (event instanceof HistoryEvent.ViewInstalled installed) {
                    view = installed.view().id();
                    deliveredSoFar.clear();
                } else if (event instanceof HistoryEvent.Delivered d && d.kind() != DeliveryKind.P2P) {
                    if (d.kind() == DeliveryKind.CAUSAL) {
                        Map<MemberId, Long> past = pasts.get(new MessageId(d.sender(), d.msgNo()));
                        if (past != null) {
                            checkPast(history, member, d, past, deliveredSoFar, violations);
                        }
                    }
                    if (d.viewId() == view) {
                        deliveredSoFar.merge(d.sender(), d.msgNo(), Math::max);
                    }
                }
            }
        }
    }

    private static void checkPast(GroupHistory history, MemberId member, HistoryEvent.Delivered d,
                                  Map<MemberId, Long> past, Map<MemberId, Long> deliveredSoFar,
                                  ViolationCollector violations) {
        for (Map.Entry<MemberId, Long> dep : past.entrySet()) {
            long have = deliveredSoFar.getOrDefault(dep.getKey(), 0L);
            if (have < dep.getValue()) {
                violations.report(Guarantee.CAUSAL, () -> "group " + history.group() + ": " + member + " delivered "
                        + d.sender() + "/" + d.msgNo() + " (causalSend, view " + d.viewId() + ") before "
                        + dep.getKey() + "/" + dep.getValue() + ", which its sender had delivered before sending it");
            }
        }
    }
}
