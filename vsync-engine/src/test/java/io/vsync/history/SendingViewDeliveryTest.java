package io.vsync.history;

import io.vsync.api.MemberId;
import org.junit.jupiter.api.Test;

import static io.vsync.api.DeliveryKind.FIFO;
import static io.vsync.api.DeliveryKind.ORDERED;
import static io.vsync.history.HistoryBuilder.history;
import static io.vsync.history.HistoryBuilder.member;
import static io.vsync.history.Verdicts.assertBreaksOnly;
import static io.vsync.history.Verdicts.assertHolds;
import static io.vsync.history.Verdicts.onlyDetail;
import static org.assertj.core.api.Assertions.assertThat;

/** Guarantee 6: a message is delivered in the view it was sent in. */
class SendingViewDeliveryTest {

    static final MemberId A = member("a");
    static final MemberId B = member("b");
    static final MemberId C = member("c");
    static final MemberId D = member("d");

    @Test
    void aDeliveryRecordingAnOlderViewThanTheInstalledOneBreaksSendingViewDelivery() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.multicast(A, 1, 1, FIFO, A, C);
        h.install(h.view(2, A, B, C, D), A, B, C, D);
        h.deliver(A, 1, 1, FIFO, B);

        CheckResult result = h.check();

        assertBreaksOnly(result, 6);
        assertThat(onlyDetail(result)).contains(B + " delivered a:7800#1/1 recording view 1 while it had view 2");
    }

    @Test
    void deliveringAMessageInAViewAfterTheOneItWasSentInBreaksSendingViewDelivery() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.send(A, 1, 1, FIFO);
        h.install(h.view(2, A, B, C, D), A, B, C, D);
        h.deliver(A, 1, 2, FIFO, A, B, C, D);

        CheckResult result = h.check();

        assertBreaksOnly(result, 6);
        assertThat(result.violationCount(6)).isEqualTo(4);
        assertThat(result.violations().get(0).detail()).contains("in view 2 but it was sent only in view(s) [1]");
    }

    @Test
    void oneMessageDeliveredInTwoDifferentViewsBreaksSendingViewDelivery() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.send(C, 1, 1, FIFO).deliver(C, 1, 1, FIFO, A);
        // a crashes; nobody else had c's message, so c sends it again in view 2
        h.install(h.view(2, B, C), B, C);
        h.multicast(C, 1, 2, FIFO, B, C);

        CheckResult result = h.check();

        assertBreaksOnly(result, 6);
        assertThat(onlyDetail(result)).contains("c:7800#1/1 (sent in view(s) [1, 2]) was delivered in different views",
                "in view 1 by [a:7800#1]", "in view 2 by [b:7800#1, c:7800#1]");
    }

    @Test
    void aSendRecordedInAnotherViewThanTheSendersBreaksSendingViewDelivery() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B), A, B);
        h.install(h.view(2, A, B, C), A, B, C);
        h.send(A, 1, 1, ORDERED);

        CheckResult result = h.check();

        assertBreaksOnly(result, 6);
        assertThat(onlyDetail(result)).contains("sending its message 1 in view 1 while it had view 2 installed");
    }

    @Test
    void deliveringBeforeInstallingAnyViewBreaksSendingViewDelivery() {
        MemberId outsider = member("x");
        HistoryBuilder h = history();
        h.install(h.view(1, A, B), A, B);
        h.multicast(A, 1, 1, FIFO, A, B, outsider);

        CheckResult result = h.check();

        assertBreaksOnly(result, 6);
        assertThat(onlyDetail(result)).contains("before installing any view");
    }

    @Test
    void aMessageThatMissedTheCutIsDeliveredInTheViewItWasSentAgainIn() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.send(B, 1, 1, FIFO);
        h.install(h.view(2, A, B), A, B);
        h.send(B, 1, 2, FIFO);
        h.install(h.view(3, A, B, D), A, B, D);
        h.multicast(B, 1, 3, FIFO, A, B, D);

        assertHolds(h.check());
    }
}
