package io.vsync.history;

import io.vsync.api.DeliveryKind;
import io.vsync.api.MemberId;
import io.vsync.api.View;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Guarantee 12, for runs that ended quiescent (faults stopped, a majority connected, the run
 * settled). Let F be the highest view installed in the group:
 * <ul>
 *   <li>every member alive at the end, and every member of F, installed F: views converged;</li>
 *   <li>when the live members are known, F lists no member that is dead: it was removed;</li>
 *   <li>every member of F delivered every message of every sender in F, sent last in view
 *       {@code w}, provided it installed {@code w}: no surviving sender's message was lost.</li>
 * </ul>
 * Point-to-point messages are left out: a send does not record its destination.
 */
final class LivenessCheck implements GuaranteeCheck {

    private final CheckOptions options;

    LivenessCheck(CheckOptions options) {
        this.options = options;
    }

    @Override
    public void check(GroupHistory history, ViolationCollector violations) {
        Optional<Set<MemberId>> alive = options.aliveAtEnd(history.group());
        if (!history.hasViews()) {
            alive.filter(members -> !members.isEmpty()).ifPresent(members ->
                    violations.report(Guarantee.LIVENESS, () -> "group " + history.group() + ": members "
                            + new TreeSet<>(members) + " were alive at the end but nobody installed a view"));
            return;
        }
        View finalView = history.view(history.highestViewId());
        checkConverged(history, finalView, alive, violations);
        checkAllDelivered(history, finalView, violations);
    }

    private static void checkConverged(GroupHistory history, View finalView, Optional<Set<MemberId>> alive,
                                       ViolationCollector violations) {
        Set<MemberId> mustInstall = new LinkedHashSet<>(finalView.members());
        alive.ifPresent(members -> mustInstall.addAll(new TreeSet<>(members)));
        for (MemberId member : mustInstall) {
            if (!history.installed(member, finalView.id())) {
                String role = finalView.contains(member) ? "a member of" : "alive at the end but not in";
                String last = history.installedViewIds(member).isEmpty() ? "it installed no view"
                        : "its last view was " + Collections.max(history.installedViewIds(member));
                violations.report(Guarantee.LIVENESS, () -> "group " + history.group() + ": " + member + " is "
                        + role + " the final view " + finalView.id() + " " + finalView.members()
                        + " but never installed it (" + last + ")");
            }
        }
        alive.ifPresent(members -> {
            for (MemberId member : finalView.members()) {
                if (!members.contains(member)) {
                    violations.report(Guarantee.LIVENESS, () -> "group " + history.group() + ": the final view "
                            + finalView.id() + " " + finalView.members() + " still lists " + member
                            + ", which was not alive at the end: the group never removed it");
                }
            }
        });
    }

    private static void checkAllDelivered(GroupHistory history, View finalView, ViolationCollector violations) {
        Map<MemberId, Set<MessageId>> deliveredBy = new LinkedHashMap<>();
        for (MemberId member : finalView.members()) {
            Set<MessageId> delivered = new HashSet<>();
            for (HistoryEvent event : history.eventsOf(member)) {
                if (event instanceof HistoryEvent.Delivered d) {
                    delivered.add(MessageId.of(d));
                }
            }
            deliveredBy.put(member, delivered);
        }
        for (MemberId sender : finalView.members()) {
            List<LastSend> owed = lastSends(history, sender);
            for (MemberId receiver : finalView.members()) {
                List<String> missing = new ArrayList<>();
                for (LastSend send : owed) {
                    if (history.installed(receiver, send.viewId())
                            && !deliveredBy.get(receiver).contains(send.message())) {
                        missing.add(send.message().msgNo() + " (view " + send.viewId() + ")");
                    }
                }
                if (!missing.isEmpty()) {
                    violations.report(Guarantee.LIVENESS, () -> "group " + history.group() + ": " + receiver
                            + " (in final view " + finalView.id() + ") never delivered " + missing.size()
                            + " message(s) of surviving sender " + sender + ": " + Details.list(missing));
                }
            }
        }
    }

    /** A message and the view it was last sent in: every member of that view owes it a delivery. */
    private record LastSend(MessageId message, long viewId) {
    }

    private static List<LastSend> lastSends(GroupHistory history, MemberId sender) {
        List<LastSend> owed = new ArrayList<>();
        for (MessageId message : history.messagesOf(sender)) {
            List<HistoryEvent.Sent> sends = history.sendsOf(message);
            if (sends.get(sends.size() - 1).kind() == DeliveryKind.P2P) {
                continue;
            }
            long lastView = Long.MIN_VALUE;
            for (HistoryEvent.Sent sent : sends) {
                lastView = Math.max(lastView, sent.viewId());
            }
            owed.add(new LastSend(message, lastView));
        }
        return owed;
    }
}
