package io.vsync.history;

import io.vsync.api.DeliveryKind;
import io.vsync.api.MemberId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Guarantee 10: any two members deliver the ORDERED and SAFE messages they both delivered in
 * the same relative order.
 *
 * <p>Walking member {@code a}'s sequence, each message's position in the sequence of every
 * other member {@code b} that delivered it must be past the position of the previous message
 * common to {@code a} and {@code b}. The first message that is not names the pair of messages
 * the two members put in opposite orders. Only pairs that share messages cost anything, so a
 * long run with many incarnations costs (deliverers per message)² per message, not
 * (all members)² × messages.
 */
final class TotalOrderCheck implements GuaranteeCheck {

    /** Where one member delivered one message: its index in {@code members}, and the position. */
    private record Delivery(int member, int position) {
    }

    @Override
    public void check(GroupHistory history, ViolationCollector violations) {
        List<MemberId> members = new ArrayList<>();
        List<List<MessageId>> sequences = new ArrayList<>();
        Map<MessageId, List<Delivery>> deliveries = new HashMap<>();
        for (MemberId member : history.members()) {
            List<MessageId> sequence = totallyOrderedDeliveries(history, member);
            if (sequence.isEmpty()) {
                continue;
            }
            int index = members.size();
            members.add(member);
            sequences.add(sequence);
            for (int position = 0; position < sequence.size(); position++) {
                deliveries.computeIfAbsent(sequence.get(position), m -> new ArrayList<>(4))
                        .add(new Delivery(index, position));
            }
        }
        for (int a = 0; a < members.size(); a++) {
            compareWithLaterMembers(history, a, members, sequences.get(a), deliveries, violations);
        }
    }

    /** {@code member}'s ORDERED and SAFE deliveries in its order; a repeat (guarantee 7) counts once. */
    private static List<MessageId> totallyOrderedDeliveries(GroupHistory history, MemberId member) {
        List<MessageId> sequence = new ArrayList<>();
        Set<MessageId> seen = new HashSet<>();
        for (HistoryEvent event : history.eventsOf(member)) {
            if (event instanceof HistoryEvent.Delivered d && isTotallyOrdered(d.kind())) {
                MessageId message = MessageId.of(d);
                if (seen.add(message)) {
                    sequence.add(message);
                }
            }
        }
        return sequence;
    }

    private static boolean isTotallyOrdered(DeliveryKind kind) {
        return kind == DeliveryKind.ORDERED || kind == DeliveryKind.SAFE;
    }

    /** Compares member {@code a} with every member of a higher index, reporting each pair once. */
    private static void compareWithLaterMembers(GroupHistory history, int a, List<MemberId> members,
                                                List<MessageId> sequence, Map<MessageId, List<Delivery>> deliveries,
                                                ViolationCollector violations) {
        // Per other member b: position in b of the last message common to a and b, and that message.
        Map<Integer, Delivery> lastCommon = new HashMap<>();
        Map<Integer, MessageId> lastCommonMessage = new HashMap<>();
        Set<Integer> reported = new HashSet<>();
        for (MessageId message : sequence) {
            for (Delivery other : deliveries.get(message)) {
                int b = other.member();
                if (b <= a || reported.contains(b)) {
                    continue;
                }
                Delivery last = lastCommon.get(b);
                if (last != null && other.position() < last.position()) {
                    reported.add(b);
                    MessageId earlier = lastCommonMessage.get(b);
                    MemberId memberA = members.get(a);
                    MemberId memberB = members.get(b);
                    violations.report(Guarantee.TOTAL_ORDER, () -> "group " + history.group() + ": " + memberA
                            + " delivered " + earlier + " before " + message + ", but " + memberB + " delivered "
                            + message + " before " + earlier);
                } else {
                    lastCommon.put(b, other);
                    lastCommonMessage.put(b, message);
                }
            }
        }
    }
}
