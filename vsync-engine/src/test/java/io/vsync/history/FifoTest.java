package io.vsync.history;

import io.vsync.api.MemberId;
import org.junit.jupiter.api.Test;

import static io.vsync.api.DeliveryKind.FIFO;
import static io.vsync.api.DeliveryKind.ORDERED;
import static io.vsync.api.DeliveryKind.P2P;
import static io.vsync.history.HistoryBuilder.history;
import static io.vsync.history.HistoryBuilder.member;
import static io.vsync.history.Verdicts.assertBreaksOnly;
import static io.vsync.history.Verdicts.assertHolds;
import static io.vsync.history.Verdicts.onlyDetail;
import static org.assertj.core.api.Assertions.assertThat;

/** Guarantee 8: one sender's messages are delivered in send order, with the kind they were sent with. */
class FifoTest {

    static final MemberId A = member("a");
    static final MemberId B = member("b");
    static final MemberId C = member("c");

    @Test
    void deliveringASendersMessagesOutOfOrderBreaksFifo() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.send(A, 1, 1, FIFO).send(A, 2, 1, FIFO);
        h.deliver(A, 1, 1, FIFO, A, C).deliver(A, 2, 1, FIFO, A, B, C).deliver(A, 1, 1, FIFO, B);

        CheckResult result = h.check();

        assertBreaksOnly(result, 8);
        assertThat(onlyDetail(result)).contains(B + " delivered a:7800#1's message 1 (view 1) after its message 2");
    }

    @Test
    void fifoHoldsAcrossKinds() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B), A, B);
        h.send(A, 1, 1, FIFO).send(A, 2, 1, ORDERED);
        h.deliver(A, 1, 1, FIFO, A).deliver(A, 2, 1, ORDERED, A, B).deliver(A, 1, 1, FIFO, B);

        assertBreaksOnly(h.check(), 8);
    }

    @Test
    void fifoHoldsAcrossViews() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.send(A, 5, 1, FIFO).deliver(A, 5, 1, FIFO, A, B, C);
        h.install(h.view(2, A, B), A, B);
        h.multicast(A, 3, 2, FIFO, A, B);

        CheckResult result = h.check();

        assertBreaksOnly(result, 8);
        assertThat(result.violationCount(8)).isEqualTo(2);
    }

    @Test
    void deliveringWithAnotherKindThanSentBreaksFifo() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B), A, B);
        h.send(A, 1, 1, ORDERED).deliver(A, 1, 1, ORDERED, A).deliver(A, 1, 1, FIFO, B);

        CheckResult result = h.check();

        assertBreaksOnly(result, 8);
        assertThat(onlyDetail(result)).contains("as FIFO but it was sent as ORDERED");
    }

    @Test
    void gapsInASendersNumbersAndInterleavedSendersAreFine() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.multicast(A, 1, 1, FIFO, A, B, C);
        h.multicast(A, 2, 1, P2P, C);
        h.send(A, 3, 1, FIFO).send(B, 1, 1, FIFO);
        h.deliver(A, 3, 1, FIFO, A).deliver(B, 1, 1, FIFO, A);
        h.deliver(B, 1, 1, FIFO, B).deliver(A, 3, 1, FIFO, B);
        h.deliver(B, 1, 1, FIFO, C).deliver(A, 3, 1, FIFO, C);

        assertHolds(h.check());
    }
}
