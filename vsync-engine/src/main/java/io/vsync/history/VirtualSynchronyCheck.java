package io.vsync.history;

import io.vsync.api.DeliveryKind;
import io.vsync.api.MemberId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Guarantee 5: members that install both {@code v} and {@code v+1} delivered exactly the same
 * messages while in {@code v} (deliveries recorded with view id {@code v}).
 *
 * <p>Point-to-point messages are left out: they go to one member only, so other members
 * cannot be expected to deliver them.
 */
final class VirtualSynchronyCheck implements GuaranteeCheck {

    private static final Set<MessageId> NOTHING = Set.of();

    @Override
    public void check(GroupHistory history, ViolationCollector violations) {
        Map<MemberId, Map<Long, Set<MessageId>>> deliveredIn = new HashMap<>();
        // Per view v, the members that installed both v and v+1, in a stable order.
        Map<Long, List<MemberId>> survivors = new TreeMap<>();
        for (MemberId member : history.members()) {
            Map<Long, Set<MessageId>> byView = new HashMap<>();
            deliveredIn.put(member, byView);
            for (HistoryEvent event : history.eventsOf(member)) {
                if (event instanceof HistoryEvent.Delivered d && d.kind() != DeliveryKind.P2P) {
                    byView.computeIfAbsent(d.viewId(), v -> new HashSet<>()).add(MessageId.of(d));
                }
            }
            for (long viewId : history.installedViewIds(member)) {
                if (history.installed(member, viewId + 1)) {
                    survivors.computeIfAbsent(viewId, v -> new ArrayList<>()).add(member);
                }
            }
        }
        survivors.forEach((viewId, members) -> compare(history, viewId, members, deliveredIn, violations));
    }

    private static void compare(GroupHistory history, long viewId, List<MemberId> members,
                                Map<MemberId, Map<Long, Set<MessageId>>> deliveredIn,
                                ViolationCollector violations) {
        Set<MessageId> reference = deliveredIn.get(members.get(0)).getOrDefault(viewId, NOTHING);
        boolean agree = true;
        for (MemberId member : members) {
            if (!deliveredIn.get(member).getOrDefault(viewId, NOTHING).equals(reference)) {
                agree = false;
                break;
            }
        }
        if (agree) {
            return;
        }
        violations.report(Guarantee.VIRTUAL_SYNCHRONY,
                () -> describe(history.group(), viewId, members, deliveredIn));
    }

    private static String describe(String group, long viewId, List<MemberId> members,
                                   Map<MemberId, Map<Long, Set<MessageId>>> deliveredIn) {
        Set<MessageId> union = new TreeSet<>();
        for (MemberId member : members) {
            union.addAll(deliveredIn.get(member).getOrDefault(viewId, NOTHING));
        }
        StringBuilder text = new StringBuilder("group ").append(group).append(": members ").append(members)
                .append(" installed both view ").append(viewId).append(" and view ").append(viewId + 1)
                .append(" but delivered different messages in view ").append(viewId).append(":");
        for (MemberId member : members) {
            Set<MessageId> delivered = deliveredIn.get(member).getOrDefault(viewId, NOTHING);
            List<MessageId> missing = new ArrayList<>();
            for (MessageId message : union) {
                if (!delivered.contains(message)) {
                    missing.add(message);
                }
            }
            if (!missing.isEmpty()) {
                text.append(' ').append(member).append(" lacks ").append(Details.list(missing)).append(';');
            }
        }
        text.setLength(text.length() - 1);
        return text.append(" (delivered by the others)").toString();
    }
}
