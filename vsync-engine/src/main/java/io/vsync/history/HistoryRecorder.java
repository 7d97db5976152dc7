package io.vsync.history;

import io.vsync.api.DeliveryKind;
import io.vsync.api.HistoryListener;
import io.vsync.api.MemberId;
import io.vsync.api.View;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps every event in memory, in call order, for checking at the end of a run. Several
 * engines (or simulated nodes) may share one recorder: calls are serialised, so each member's
 * events stay in its local order.
 */
public final class HistoryRecorder implements HistoryListener {

    private final List<HistoryEvent> events = new ArrayList<>();

    @Override
    public void viewInstalled(MemberId self, View view) {
        record(HistoryEvent.ViewInstalled.of(self, view));
    }

    @Override
    public void sent(String group, MemberId self, long msgNo, long viewId, DeliveryKind kind) {
        record(new HistoryEvent.Sent(group, self, msgNo, viewId, kind));
    }

    @Override
    public void delivered(String group, MemberId self, MemberId sender, long msgNo, long viewId,
                          DeliveryKind kind) {
        record(new HistoryEvent.Delivered(group, self, sender, msgNo, viewId, kind));
    }

    @Override
    public void partitioned(String group, MemberId self, long viewId) {
        record(new HistoryEvent.Partitioned(group, self, viewId));
    }

    @Override
    public void left(String group, MemberId self) {
        record(new HistoryEvent.Left(group, self));
    }

    /** Appends an event directly, e.g. one read back from a file. */
    public synchronized void record(HistoryEvent event) {
        events.add(event);
    }

    /** A copy of the events recorded so far, in call order. */
    public synchronized List<HistoryEvent> events() {
        return List.copyOf(events);
    }

    public synchronized int size() {
        return events.size();
    }
}
