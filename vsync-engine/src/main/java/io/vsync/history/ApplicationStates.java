package io.vsync.history;

import io.vsync.api.MemberId;
import io.vsync.api.View;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Each member's application state ({@link StateDigest}) recomputed from its history, at the
 * points the query and state-transfer checks look at: on installing each view, and just before
 * delivering a query request. A member's state starts from the checkpoint it loaded for its
 * first view, or from {@link StateDigest#INITIAL} when that view was made of joiners only (a
 * new group); otherwise it is unknown and nothing is compared for that member.
 */
final class ApplicationStates {

    private record At(MemberId member, long viewId) {
    }

    private record Before(MemberId member, MessageId message) {
    }

    private final Map<At, Long> atInstall = new HashMap<>();
    private final Map<Before, Long> beforeDelivery = new HashMap<>();
    private final Map<Before, Long> deliveryView = new HashMap<>();
    private final Map<MemberId, Long> firstView = new HashMap<>();
    /** Per delivered message, the view it was delivered in (one view: guarantee 6). */
    private final Map<MessageId, Long> deliveredIn = new HashMap<>();

    /**
     * @param interesting per member, the messages whose state-before is wanted (the requests it
     *                    answered): the others are only folded in, not kept
     */
    ApplicationStates(GroupHistory history, Map<MemberId, Set<MessageId>> interesting) {
        for (MemberId member : history.members()) {
            Set<MessageId> wanted = interesting.getOrDefault(member, Set.of());
            Map<Long, Long> loaded = loadedDigests(history.eventsOf(member));
            Long state = null;
            boolean first = true;
            for (HistoryEvent event : history.eventsOf(member)) {
                if (event instanceof HistoryEvent.ViewInstalled installed) {
                    View view = installed.view();
                    if (first) {
                        first = false;
                        firstView.put(member, view.id());
                        state = loaded.containsKey(view.id()) ? loaded.get(view.id())
                                : new HashSet<>(view.joined()).containsAll(view.members()) ? StateDigest.INITIAL : null;
                    }
                    if (state != null) {
                        atInstall.put(new At(member, view.id()), state);
                    }
                } else if (event instanceof HistoryEvent.Delivered delivered && delivered.kind() != io.vsync.api.DeliveryKind.P2P) {
                    MessageId message = MessageId.of(delivered);
                    deliveredIn.putIfAbsent(message, delivered.viewId());
                    if (wanted.contains(message)) {
                        Before key = new Before(member, message);
                        deliveryView.putIfAbsent(key, delivered.viewId());
                        if (state != null) {
                            beforeDelivery.putIfAbsent(key, state);
                        }
                    }
                    if (state != null) {
                        state = StateDigest.after(state, delivered.sender(), delivered.msgNo());
                    }
                }
            }
        }
    }

    /** Per view id, the digest the member's events say it loaded (the first, if several). */
    private static Map<Long, Long> loadedDigests(List<HistoryEvent> events) {
        Map<Long, Long> loaded = new HashMap<>();
        for (HistoryEvent event : events) {
            if (event instanceof HistoryEvent.StateLoaded l) {
                loaded.putIfAbsent(l.viewId(), l.digest());
            }
        }
        return loaded;
    }

    /** The member's state on installing {@code viewId}, before any delivery there; null when unknown. */
    Long atInstall(MemberId member, long viewId) {
        return atInstall.get(new At(member, viewId));
    }

    /** The member's state just before it delivered {@code message}; null when unknown or not delivered. */
    Long before(MemberId member, MessageId message) {
        return beforeDelivery.get(new Before(member, message));
    }

    /** The view {@code member} delivered {@code message} in; null when it did not (only for interesting messages). */
    Long deliveryView(MemberId member, MessageId message) {
        return deliveryView.get(new Before(member, message));
    }

    /** The first view {@code member} installed; null when none. */
    Long firstView(MemberId member) {
        return firstView.get(member);
    }

    /** The view anybody delivered {@code message} in; null when nobody did. */
    Long deliveredIn(MessageId message) {
        return deliveredIn.get(message);
    }
}
