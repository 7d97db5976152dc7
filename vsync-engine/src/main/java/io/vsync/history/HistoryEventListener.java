package io.vsync.history;

import io.vsync.api.DeliveryKind;
import io.vsync.api.HistoryListener;
import io.vsync.api.MemberId;
import io.vsync.api.View;

/**
 * A {@link HistoryListener} that turns each call into a {@link HistoryEvent}: implementations
 * only say what to do with an event (keep it in memory, write it to a file).
 */
public interface HistoryEventListener extends HistoryListener {

    void record(HistoryEvent event);

    @Override
    default void viewInstalled(MemberId self, View view) {
        record(HistoryEvent.ViewInstalled.of(self, view));
    }

    @Override
    default void sent(String group, MemberId self, long msgNo, long viewId, DeliveryKind kind) {
        record(new HistoryEvent.Sent(group, self, msgNo, viewId, kind));
    }

    @Override
    default void delivered(String group, MemberId self, MemberId sender, long msgNo, long viewId, DeliveryKind kind) {
        record(new HistoryEvent.Delivered(group, self, sender, msgNo, viewId, kind));
    }

    @Override
    default void partitioned(String group, MemberId self, long viewId) {
        record(new HistoryEvent.Partitioned(group, self, viewId));
    }

    @Override
    default void left(String group, MemberId self) {
        record(new HistoryEvent.Left(group, self));
    }
}
