package io.vsync.history;

import static io.vsync.api.DeliveryKind.CAUSAL;
import static io.vsync.api.DeliveryKind.FIFO;
import static io.vsync.history.HistoryBuilder.history;
import static io.vsync.history.HistoryBuilder.member;
import static io.vsync.history.Verdicts.assertBreaksOnly;
import static io.vsync.history.Verdicts.assertHolds;
import static io.vsync.history.Verdicts.onlyDetail;
import static org.assertj.core.api.Assertions.assertThat;

import io.vsync.api.MemberId;
import org.junit.jupiter.api.Test;

/** Guarantee 9: a causalSend message comes after everything its sender had delivered. */
class CausalTest {

    static final MemberId A = member("a");
    static final MemberId B = member("b");
    static final MemberId C = member("c");

    @Test
    void deliveringACausalMessageBeforeWhatItsSenderHadSeenBreaksCausality() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.send(A, 1, 1, FIFO).deliver(A, 1, 1, FIFO, A, B);
        h.send(B, 1, 1, CAUSAL).deliver(B, 1, 1, CAUSAL, A, B, C);
        h.deliver(A, 1, 1, FIFO, C);

        CheckResult result = h.check();

        assertBreaksOnly(result, 9);
        assertThat(onlyDetail(result)).contains(C + " delivered " + B + "/1 (causalSend, view 1) before " + A + "/1");
    }

    @Test
    void deliveringTheCausalPastFirstHolds() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.send(A, 1, 1, FIFO).deliver(A, 1, 1, FIFO, A, B);
        h.send(B, 1, 1, CAUSAL);
        h.deliver(A, 1, 1, FIFO, C);
        h.deliver(B, 1, 1, CAUSAL, A, B, C);

        assertHolds(h.check());
    }

    @Test
    void whatTheSenderDeliveredOnlyAfterSendingIsNotInThePast() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.send(A, 1, 1, FIFO);
        h.send(B, 1, 1, CAUSAL).deliver(B, 1, 1, CAUSAL, A, B, C);
        h.deliver(A, 1, 1, FIFO, A, B, C);

        assertHolds(h.check());
    }
}
