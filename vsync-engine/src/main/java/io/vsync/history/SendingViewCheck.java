package io.vsync.history;

import io.vsync.api.MemberId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Guarantee 6: a message is delivered in the view it was sent in, never earlier or later.
 * <ul>
 *   <li>a delivery's view id is the view the deliverer had installed at that point;</li>
 *   <li>it is a view the message was sent in (one of its sends, when it was resent after
 *       missing a cut);</li>
 *   <li>every delivery of one message, by anybody, is in the same view;</li>
 *   <li>a send's view id is the view the sender had installed at that point (skipped when
 *       the history holds no install of the sender, whose view is then unknown).</li>
 * </ul>
 * A delivered message that was never sent at all is guarantee 7's business.
 */
final class SendingViewCheck implements GuaranteeCheck {

    /** Where a message was first seen delivered, to compare every other delivery with. */
    private record FirstDelivery(MemberId member, long viewId) {
    }

    @Override
    public void check(GroupHistory history, ViolationCollector violations) {
        Map<MessageId, FirstDelivery> firstDeliveries = new HashMap<>();
        Set<MessageId> deliveredInSeveralViews = new LinkedHashSet<>();
        for (MemberId member : history.members()) {
            Long current = null;
            for (HistoryEvent event : history.eventsOf(member)) {
                if (event instanceof HistoryEvent.ViewInstalled installed) {
                    current = installed.view().id();
                } else if (event instanceof HistoryEvent.Sent sent) {
                    checkSendView(history, sent, current, violations);
                } else if (event instanceof HistoryEvent.Delivered delivered) {
                    checkDeliveryView(history, delivered, current, violations);
                    MessageId message = MessageId.of(delivered);
                    FirstDelivery first = firstDeliveries.putIfAbsent(message,
                            new FirstDelivery(member, delivered.viewId()));
                    if (first != null && first.viewId() != delivered.viewId()) {
                        deliveredInSeveralViews.add(message);
                    }
                }
            }
        }
        if (!deliveredInSeveralViews.isEmpty()) {
            reportSplitDeliveries(history, deliveredInSeveralViews, violations);
        }
    }

    private static void checkSendView(GroupHistory history, HistoryEvent.Sent sent, Long current,
                                      ViolationCollector violations) {
        if (current != null && sent.viewId() != current) {
            violations.report(Guarantee.SENDING_VIEW_DELIVERY, () -> "group " + history.group() + ": "
                    + sent.member() + " recorded sending its message " + sent.msgNo() + " in view " + sent.viewId()
                    + " while it had view " + current + " installed");
        }
    }

    private static void checkDeliveryView(GroupHistory history, HistoryEvent.Delivered delivered, Long current,
                                          ViolationCollector violations) {
        MessageId message = MessageId.of(delivered);
        if (current == null) {
            violations.report(Guarantee.SENDING_VIEW_DELIVERY, () -> who(history, delivered) + " (recorded as view "
                    + delivered.viewId() + ") before installing any view");
        } else if (delivered.viewId() != current) {
            violations.report(Guarantee.SENDING_VIEW_DELIVERY, () -> who(history, delivered) + " recording view "
                    + delivered.viewId() + " while it had view " + current + " installed");
        }
        List<HistoryEvent.Sent> sends = history.sendsOf(message);
        if (sends.isEmpty()) {
            return;
        }
        for (HistoryEvent.Sent sent : sends) {
            if (sent.viewId() == delivered.viewId()) {
                return;
            }
        }
        violations.report(Guarantee.SENDING_VIEW_DELIVERY, () -> who(history, delivered) + " in view "
                + delivered.viewId() + " but it was sent only in view(s) " + sentViews(sends));
    }

    /** Built only for violations that are shown: building it for every delivery costs more than the check. */
    private static String who(GroupHistory history, HistoryEvent.Delivered delivered) {
        return "group " + history.group() + ": " + delivered.member() + " delivered " + MessageId.of(delivered);
    }

    private static List<Long> sentViews(List<HistoryEvent.Sent> sends) {
        List<Long> ids = new ArrayList<>(sends.size());
        sends.forEach(s -> ids.add(s.viewId()));
        return ids;
    }

    private static void reportSplitDeliveries(GroupHistory history, Set<MessageId> messages,
                                              ViolationCollector violations) {
        Map<MessageId, Map<Long, List<MemberId>>> deliverersByView = new LinkedHashMap<>();
        messages.forEach(m -> deliverersByView.put(m, new TreeMap<>()));
        for (MemberId member : history.members()) {
            for (HistoryEvent event : history.eventsOf(member)) {
                if (event instanceof HistoryEvent.Delivered delivered) {
                    Map<Long, List<MemberId>> byView = deliverersByView.get(MessageId.of(delivered));
                    if (byView != null) {
                        byView.computeIfAbsent(delivered.viewId(), v -> new ArrayList<>()).add(member);
                    }
                }
            }
        }
        deliverersByView.forEach((message, byView) -> {
            List<HistoryEvent.Sent> sends = history.sendsOf(message);
            violations.report(Guarantee.SENDING_VIEW_DELIVERY, () -> {
                StringBuilder text = new StringBuilder("group ").append(history.group()).append(": ")
                        .append(message).append(" (sent in view(s) ").append(sentViews(sends))
                        .append(") was delivered in different views:");
                byView.forEach((viewId, deliverers) -> text.append(" in view ").append(viewId)
                        .append(" by ").append(Details.list(deliverers)).append(';'));
                text.setLength(text.length() - 1);
                return text.toString();
            });
        });
    }
}
