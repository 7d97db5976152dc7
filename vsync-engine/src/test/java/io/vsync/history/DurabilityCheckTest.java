package io.vsync.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.vsync.api.DeliveryKind;
import io.vsync.api.MemberId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-made full-restart histories: what guarantee 11 forbids is caught, near misses pass. */
class DurabilityCheckTest {

    private static final MemberId A = new MemberId("a:1", 1);
    private static final MemberId B = new MemberId("b:1", 1);

    private static HistoryEvent delivered(MemberId at, MemberId sender, long msgNo) {
        return new HistoryEvent.Delivered("g", at, sender, msgNo, 1, DeliveryKind.SAFE);
    }

    private static RestartReplay replay(boolean founder, RestartReplay.Message... messages) {
        return new RestartReplay("g", "a:1", founder, List.of(messages));
    }

    private static RestartReplay.Message m(MemberId sender, long msgNo) {
        return new RestartReplay.Message(sender, msgNo);
    }

    private static final List<HistoryEvent> BEFORE = List.of(
            delivered(A, A, 1), delivered(A, B, 1), delivered(B, A, 1),
            new HistoryEvent.Delivered("g", A, B, 2, 1, DeliveryKind.ORDERED));

    @Test
    void aReplayHoldingEverySafeMessageInOrderPasses() {
        assertThat(DurabilityCheck.check(BEFORE, List.of(replay(true, m(A, 1), m(B, 1), m(B, 9))))).isEmpty();
    }

    @Test
    void aSafeMessageDeliveredBeforeTheRestartButMissingFromTheRecreatedHistoryIsCaught() {
        assertThat(DurabilityCheck.check(BEFORE, List.of(replay(true, m(A, 1)))))
                .singleElement().satisfies(v -> {
                    assertThat(v.guarantee()).isEqualTo(11);
                    assertThat(v.detail()).contains("lost b:1#1/1");
                });
    }

    @Test
    void aProcessThatDidNotRecreateTheGroupMayHoldLess() {
        assertThat(DurabilityCheck.check(BEFORE, List.of(replay(false, m(A, 1))))).isEmpty();
    }

    @Test
    void aReplayInAnotherOrderThanDeliveredIsCaught() {
        assertThat(DurabilityCheck.check(BEFORE, List.of(replay(true, m(B, 1), m(A, 1)))))
                .singleElement().satisfies(v -> assertThat(v.detail()).contains("before"));
    }

    @Test
    void aMessageReplayedTwiceIsCaught() {
        assertThat(DurabilityCheck.check(BEFORE, List.of(replay(true, m(A, 1), m(B, 1), m(A, 1)))))
                .anySatisfy(v -> assertThat(v.detail()).contains("twice"));
    }
}
