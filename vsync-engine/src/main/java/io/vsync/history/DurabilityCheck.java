package io.vsync.history;

import io.vsync.api.DeliveryKind;
import io.vsync.api.MemberId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Guarantee 11 after a full restart: every {@code safeSend} delivered by any member before every
 * member was lost is in the recovered history (the replay of the process that created the group
 * again), once, and in the order the members delivered it. Each replay of a restarted process is
 * also checked for duplicates and for agreeing with the delivered order.
 *
 * <p>Separate from {@link Checker} because its input is not only the recorded events: the
 * replays happen outside any view.
 */
public final class DurabilityCheck {

    private DurabilityCheck() {
    }

    /**
     * @param before  the history recorded up to the moment every member had crashed or stopped
     * @param replays what the restarted processes replayed
     */
    public static List<Violation> check(List<HistoryEvent> before, List<RestartReplay> replays) {
        List<Violation> violations = new ArrayList<>();
        Map<String, Map<MemberId, List<MessageId>>> delivered = new HashMap<>();
        for (HistoryEvent event : before) {
            if (event instanceof HistoryEvent.Delivered d && d.kind() == DeliveryKind.SAFE) {
                List<MessageId> sequence = delivered.computeIfAbsent(d.group(), g -> new HashMap<>())
                        .computeIfAbsent(d.member(), m -> new ArrayList<>());
                MessageId id = MessageId.of(d);
                if (!sequence.contains(id)) {
                    sequence.add(id);
                }
            }
        }
        for (RestartReplay replay : replays) {
            Map<MessageId, Integer> position = new HashMap<>();
            for (RestartReplay.Message m : replay.messages()) {
                MessageId id = new MessageId(m.sender(), m.msgNo());
                if (position.putIfAbsent(id, position.size()) != null) {
                    violations.add(violation(replay, "replays " + id + " twice"));
                }
            }
            for (Map.Entry<MemberId, List<MessageId>> member
                    : delivered.getOrDefault(replay.group(), Map.of()).entrySet()) {
                int last = -1;
                MessageId lastId = null;
                for (MessageId id : member.getValue()) {
                    Integer at = position.get(id);
                    if (at == null) {
                        if (replay.founder()) {
                            violations.add(violation(replay, "lost " + id + ", delivered by " + member.getKey()
                                    + " before the restart"));
                        }
                        continue;
                    }
                    if (at < last) {
                        violations.add(violation(replay, "replays " + id + " before " + lastId + ", which "
                                + member.getKey() + " delivered first"));
                    }
                    last = at;
                    lastId = id;
                }
            }
        }
        return violations;
    }

    private static Violation violation(RestartReplay replay, String what) {
        return new Violation(11, "durability after a full restart", "group " + replay.group() + ": "
                + replay.process() + (replay.founder() ? " (which created the group again)" : "") + " " + what);
    }
}
