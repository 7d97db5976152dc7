package io.vsync.history;

import io.vsync.api.DeliveryKind;
import io.vsync.api.MemberId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Guarantee 10: any two members deliver the ORDERED and SAFE messages they both delivered in
 * the same relative order.
 *
 * <p>For each pair of members, walk one's sequence keeping the messages the other delivered
 * too; their positions in the other's sequence must then increase. That is
 * O(members² × messages) with hash lookups, and names the first pair of messages the two
 * members put in opposite orders.
 */
final class TotalOrderCheck implements GuaranteeCheck {

    /** One member's totally ordered deliveries, and each message's position among them. */
    private record Sequence(MemberId member, List<MessageId> messages, Map<MessageId, Integer> positions) {
    }

    @Override
    public void check(GroupHistory history, ViolationCollector violations) {
        List<Sequence> sequences = new ArrayList<>();
        for (MemberId member : history.members()) {
            Sequence sequence = new Sequence(member, new ArrayList<>(), new HashMap<>());
            for (HistoryEvent event : history.eventsOf(member)) {
                if (event instanceof HistoryEvent.Delivered d && isTotallyOrdered(d.kind())) {
                    MessageId message = MessageId.of(d);
                    // A repeated delivery is guarantee 7's business: its first one counts.
                    if (sequence.positions().putIfAbsent(message, sequence.messages().size()) == null) {
                        sequence.messages().add(message);
                    }
                }
            }
            if (!sequence.messages().isEmpty()) {
                sequences.add(sequence);
            }
        }
        for (int i = 0; i < sequences.size(); i++) {
            for (int j = i + 1; j < sequences.size(); j++) {
                compare(history, sequences.get(i), sequences.get(j), violations);
            }
        }
    }

    private static boolean isTotallyOrdered(DeliveryKind kind) {
        return kind == DeliveryKind.ORDERED || kind == DeliveryKind.SAFE;
    }

    private static void compare(GroupHistory history, Sequence a, Sequence b, ViolationCollector violations) {
        MessageId previous = null;
        int previousPositionInB = -1;
        for (MessageId message : a.messages()) {
            Integer positionInB = b.positions().get(message);
            if (positionInB == null) {
                continue;
            }
            if (positionInB < previousPositionInB) {
                MessageId earlier = previous;
                violations.report(Guarantee.TOTAL_ORDER, () -> "group " + history.group() + ": " + a.member()
                        + " delivered " + earlier + " before " + message + ", but " + b.member() + " delivered "
                        + message + " before " + earlier);
                return; // one report per pair: later disagreements usually follow from the first
            }
            previous = message;
            previousPositionInB = positionInB;
        }
    }
}
