package io.vsync.history;

import io.vsync.api.DeliveryKind;
import io.vsync.api.MemberId;
import io.vsync.api.View;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.vsync.history.HistoryBuilder.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HistoryRecorderTest {

    static final MemberId A = member("a");
    static final MemberId B = member("b");

    @Test
    void listenerCallsBecomeEventsInCallOrder() {
        HistoryRecorder recorder = new HistoryRecorder();
        View view = new View("g", 1, List.of(A, B), List.of(A, B), List.of(), List.of());

        recorder.viewInstalled(A, view);
        recorder.sent("g", A, 1, 1, DeliveryKind.SAFE);
        recorder.delivered("g", B, A, 1, 1, DeliveryKind.SAFE);
        recorder.partitioned("g", B, 1);
        recorder.left("g", A);

        assertThat(recorder.events()).containsExactly(
                new HistoryEvent.ViewInstalled("g", A, view),
                new HistoryEvent.Sent("g", A, 1, 1, DeliveryKind.SAFE),
                new HistoryEvent.Delivered("g", B, A, 1, 1, DeliveryKind.SAFE),
                new HistoryEvent.Partitioned("g", B, 1),
                new HistoryEvent.Left("g", A));
        assertThat(recorder.size()).isEqualTo(5);
    }

    @Test
    void eventsIsASnapshotThatLaterCallsDoNotChange() {
        HistoryRecorder recorder = new HistoryRecorder();
        recorder.left("g", A);
        List<HistoryEvent> snapshot = recorder.events();

        recorder.left("g", B);

        assertThat(snapshot).hasSize(1);
        assertThat(recorder.events()).hasSize(2);
    }

    @Test
    void aViewInstalledEventBelongsToItsViewsGroup() {
        View view = new View("accounts", 3, List.of(A), List.of(), List.of(), List.of());

        assertThat(HistoryEvent.ViewInstalled.of(A, view).group()).isEqualTo("accounts");
        assertThatThrownBy(() -> new HistoryEvent.ViewInstalled("other", A, view))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("accounts");
    }

    @Test
    void concurrentCallersKeepEveryEventAndTheirOwnOrder() throws Exception {
        HistoryRecorder recorder = new HistoryRecorder();
        int threads = 4;
        int perThread = 10_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                MemberId self = member("m" + t);
                done.add(pool.submit(() -> {
                    for (int n = 1; n <= perThread; n++) {
                        recorder.sent("g", self, n, 1, DeliveryKind.FIFO);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        List<HistoryEvent> events = recorder.events();
        assertThat(events).hasSize(threads * perThread);
        for (int t = 0; t < threads; t++) {
            MemberId self = member("m" + t);
            assertThat(events.stream().filter(e -> e.member().equals(self))
                    .mapToLong(e -> ((HistoryEvent.Sent) e).msgNo()))
                    .isSorted().hasSize(perThread);
        }
    }
}
