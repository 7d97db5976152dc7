package io.vsync.history;


import java.util.ArrayList;
import java.util.List;

/**
 * Keeps every event in memory, in call order, for checking at the end of a run. Several
 * engines (or simulated nodes) may share one recorder: calls are serialised, so each member's
 * events stay in its local order.
 */
public final class HistoryRecorder implements HistoryEventListener {

    private final List<HistoryEvent> events = new ArrayList<>();






    /** Appends an event (from the engine, or e.g. one read back from a file). */
    @Override
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
