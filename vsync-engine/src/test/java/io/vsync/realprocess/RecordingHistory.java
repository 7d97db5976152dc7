package io.vsync.realprocess;

import io.vsync.api.DeliveryKind;
import io.vsync.api.HistoryListener;
import io.vsync.api.MemberId;
import io.vsync.api.View;
import io.vsync.history.HistoryEvent;
import io.vsync.history.HistoryFileWriter;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A member process's history file: every event goes to a {@link HistoryFileWriter}, and the
 * events that others can observe are pushed to the file at once.
 *
 * <p>A {@code sent} event is flushed before the engine hands the message to the transport (the
 * listener runs on the protocol thread just before the frames go out), so even a process
 * killed with {@code kill -9} never leaves a message in other members' histories that its own
 * history does not show as sent. Its deliveries may be cut short, which is only a shorter
 * prefix of its true history. The rest is flushed every {@link #FLUSH_EVERY_MS} ms.
 *
 * <p>Also counts the events, so the test can take the prefix of each file up to a point
 * (the end of the load, before the graceful leaves) for the liveness check.
 */
final class RecordingHistory implements HistoryListener {

    static final long FLUSH_EVERY_MS = 100;

    private final HistoryFileWriter writer;
    private long events;
    private volatile long deliveries;
    private IOException failure;

    RecordingHistory(Path file) throws IOException {
        this.writer = HistoryFileWriter.create(file);
    }

    @Override
    public synchronized void viewInstalled(MemberId self, View view) {
        writer.viewInstalled(self, view);
        events++;
        flush();
    }

    @Override
    public synchronized void sent(String group, MemberId self, long msgNo, long viewId, DeliveryKind kind) {
        writer.sent(group, self, msgNo, viewId, kind);
        events++;
        flush();
    }

    @Override
    public synchronized void delivered(String group, MemberId self, MemberId sender, long msgNo, long viewId,
                                       DeliveryKind kind) {
        writer.delivered(group, self, sender, msgNo, viewId, kind);
        events++;
        deliveries++;
    }

    @Override
    public synchronized void partitioned(String group, MemberId self, long viewId) {
        writer.partitioned(group, self, viewId);
        events++;
        flush();
    }

    @Override
    public synchronized void left(String group, MemberId self) {
        writer.left(group, self);
        events++;
        flush();
    }

    /**
     * An application event (a query answered or a reply accepted, a state sent or loaded),
     * pushed to the file at once: a reply that reached another member must show as computed
     * here even if this process is killed right after sending it.
     */
    synchronized void record(HistoryEvent event) {
        writer.write(event);
        events++;
        flush();
    }

    /** Deliveries the protocol has made so far (it hands them to the delivery thread). */
    long deliveries() {
        return deliveries;
    }

    /** Pushes what is buffered to the file; a failure is kept and reported by {@link #close()}. */
    synchronized void flush() {
        if (failure != null) {
            return;
        }
        try {
            writer.flush();
        } catch (IOException e) {
            failure = e;
        }
    }

    /** Flushes and returns how many events the file holds now. */
    synchronized long cut() throws IOException {
        flush();
        if (failure != null) {
            throw failure;
        }
        return events;
    }

    synchronized void close() throws IOException {
        if (failure != null) {
            throw failure;
        }
        writer.close();
    }
}
