package io.vsync.history;

import io.vsync.api.MemberId;
import io.vsync.api.View;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The events of one group, indexed once so that every guarantee check runs in linear time:
 * each member's events in its local order, the view of each id, who installed what, and the
 * sends of each message.
 */
final class GroupHistory {

    private final String group;
    /** Members in order of their first event, so that reports come out in a stable order. */
    private final Map<MemberId, List<HistoryEvent>> eventsByMember = new LinkedHashMap<>();
    /** Per view id, the first install in the history: the reference the others must match. */
    private final NavigableMap<Long, HistoryEvent.ViewInstalled> firstInstalls = new TreeMap<>();
    private final Map<MemberId, Set<Long>> installedViewIds = new HashMap<>();
    private final Map<MessageId, List<HistoryEvent.Sent>> sends = new HashMap<>();
    private final Map<MemberId, List<MessageId>> messagesBySender = new HashMap<>();
    private int deliveries;

    GroupHistory(String group) {
        this.group = group;
    }

    /** Splits {@code events} by group, keeping every member's local order; groups by name. */
    static NavigableMap<String, GroupHistory> byGroup(List<HistoryEvent> events) {
        NavigableMap<String, GroupHistory> groups = new TreeMap<>();
        for (HistoryEvent event : events) {
            groups.computeIfAbsent(event.group(), GroupHistory::new).add(event);
        }
        return groups;
    }

    private void add(HistoryEvent event) {
        eventsByMember.computeIfAbsent(event.member(), m -> new ArrayList<>()).add(event);
        if (event instanceof HistoryEvent.ViewInstalled installed) {
            firstInstalls.putIfAbsent(installed.view().id(), installed);
            installedViewIds.computeIfAbsent(installed.member(), m -> new HashSet<>()).add(installed.view().id());
        } else if (event instanceof HistoryEvent.Sent sent) {
            MessageId message = MessageId.of(sent);
            List<HistoryEvent.Sent> ofMessage = sends.computeIfAbsent(message, m -> new ArrayList<>(1));
            if (ofMessage.isEmpty()) {
                messagesBySender.computeIfAbsent(sent.member(), m -> new ArrayList<>()).add(message);
            }
            ofMessage.add(sent);
        } else if (event instanceof HistoryEvent.Delivered) {
            deliveries++;
        }
    }

    String group() {
        return group;
    }

    Set<MemberId> members() {
        return eventsByMember.keySet();
    }

    /** {@code member}'s events in its local order. */
    List<HistoryEvent> eventsOf(MemberId member) {
        return eventsByMember.getOrDefault(member, List.of());
    }

    /** The view with this id as first installed, or null when nobody installed it. */
    View view(long viewId) {
        HistoryEvent.ViewInstalled first = firstInstalls.get(viewId);
        return first == null ? null : first.view();
    }

    /** The member whose install of this view is the reference, or null. */
    MemberId firstInstaller(long viewId) {
        HistoryEvent.ViewInstalled first = firstInstalls.get(viewId);
        return first == null ? null : first.member();
    }

    /** Ids of all views installed by anybody, ascending. */
    Set<Long> viewIds() {
        return firstInstalls.keySet();
    }

    boolean hasViews() {
        return !firstInstalls.isEmpty();
    }

    /** The highest view id installed by anybody; only when {@link #hasViews()}. */
    long highestViewId() {
        return firstInstalls.lastKey();
    }

    boolean installed(MemberId member, long viewId) {
        Set<Long> ids = installedViewIds.get(member);
        return ids != null && ids.contains(viewId);
    }

    Set<Long> installedViewIds(MemberId member) {
        return installedViewIds.getOrDefault(member, Set.of());
    }

    /** The sends of {@code message}, in the sender's order; empty when it was never sent. */
    List<HistoryEvent.Sent> sendsOf(MessageId message) {
        return sends.getOrDefault(message, List.of());
    }

    /** The messages {@code sender} sent, in order of their first send. */
    List<MessageId> messagesOf(MemberId sender) {
        return messagesBySender.getOrDefault(sender, List.of());
    }

    int viewCount() {
        return firstInstalls.size();
    }

    int deliveryCount() {
        return deliveries;
    }
}
