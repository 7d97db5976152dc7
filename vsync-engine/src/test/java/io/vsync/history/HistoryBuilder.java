package io.vsync.history;

import io.vsync.api.DeliveryKind;
import io.vsync.api.MemberId;
import io.vsync.api.View;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hand-made histories of one group, written in the order events happen. Views are declared
 * once and installed by whoever installs them; their joined and failed lists are worked out
 * from the declared view before them, so a test states only what it is about.
 */
final class HistoryBuilder {

    static final String GROUP = "g";

    private final String group;
    private final List<HistoryEvent> events = new ArrayList<>();
    private final Map<Long, View> declared = new HashMap<>();

    private HistoryBuilder(String group) {
        this.group = group;
    }

    static HistoryBuilder history() {
        return new HistoryBuilder(GROUP);
    }

    static HistoryBuilder history(String group) {
        return new HistoryBuilder(group);
    }

    /** Incarnation 1 of the process named {@code name}. */
    static MemberId member(String name) {
        return member(name, 1);
    }

    static MemberId member(String name, long incarnation) {
        return new MemberId(name + ":7800", incarnation);
    }

    /** Declares view {@code id}; members missing from view {@code id-1} count as failed. */
    View view(long id, MemberId... members) {
        return viewWithLeavers(id, List.of(), members);
    }

    /** Declares view {@code id} where {@code left} left view {@code id-1} gracefully. */
    View viewWithLeavers(long id, List<MemberId> left, MemberId... members) {
        List<MemberId> now = List.of(members);
        View previous = declared.get(id - 1);
        List<MemberId> before = previous == null ? List.of() : previous.members();
        List<MemberId> joined = now.stream().filter(m -> !before.contains(m)).toList();
        List<MemberId> failed = before.stream().filter(m -> !now.contains(m) && !left.contains(m)).toList();
        View view = new View(group, id, now, joined, left, failed);
        declared.put(id, view);
        return view;
    }

    /** A view that is not declared: for histories where members disagree about a view. */
    View rogueView(long id, MemberId... members) {
        return new View(group, id, List.of(members), List.of(), List.of(), List.of());
    }

    HistoryBuilder install(View view, MemberId... installers) {
        for (MemberId installer : installers) {
            events.add(HistoryEvent.ViewInstalled.of(installer, view));
        }
        return this;
    }

    HistoryBuilder send(MemberId sender, long msgNo, long viewId, DeliveryKind kind) {
        events.add(new HistoryEvent.Sent(group, sender, msgNo, viewId, kind));
        return this;
    }

    /** Each of {@code deliverers}, in turn, delivers {@code sender}'s message in {@code viewId}. */
    HistoryBuilder deliver(MemberId sender, long msgNo, long viewId, DeliveryKind kind, MemberId... deliverers) {
        for (MemberId deliverer : deliverers) {
            events.add(new HistoryEvent.Delivered(group, deliverer, sender, msgNo, viewId, kind));
        }
        return this;
    }

    /** {@code sender} sends in {@code viewId}, then each of {@code deliverers} delivers there. */
    HistoryBuilder multicast(MemberId sender, long msgNo, long viewId, DeliveryKind kind, MemberId... deliverers) {
        return send(sender, msgNo, viewId, kind).deliver(sender, msgNo, viewId, kind, deliverers);
    }

    HistoryBuilder partitioned(MemberId member, long viewId) {
        events.add(new HistoryEvent.Partitioned(group, member, viewId));
        return this;
    }

    HistoryBuilder left(MemberId member) {
        events.add(new HistoryEvent.Left(group, member));
        return this;
    }

    HistoryBuilder add(HistoryEvent event) {
        events.add(event);
        return this;
    }

    List<HistoryEvent> events() {
        return List.copyOf(events);
    }

    int size() {
        return events.size();
    }

    CheckResult check() {
        return check(CheckOptions.safetyOnly());
    }

    CheckResult check(CheckOptions options) {
        return new Checker().check(events, options);
    }
}
