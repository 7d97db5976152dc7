package io.vsync.history;

import io.vsync.api.MemberId;
import org.junit.jupiter.api.Test;

import static io.vsync.api.DeliveryKind.FIFO;
import static io.vsync.history.HistoryBuilder.history;
import static io.vsync.history.HistoryBuilder.member;
import static io.vsync.history.Verdicts.assertBreaksOnly;
import static io.vsync.history.Verdicts.assertHolds;
import static io.vsync.history.Verdicts.onlyDetail;
import static org.assertj.core.api.Assertions.assertThat;

/** Guarantee 7: delivered messages were sent by a member of the view, and once per member. */
class NoCreationNoDuplicationTest {

    static final MemberId A = member("a");
    static final MemberId B = member("b");
    static final MemberId C = member("c");

    @Test
    void deliveringAMessageNobodySentBreaksNoCreation() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B), A, B);
        h.deliver(A, 7, 1, FIFO, B);

        CheckResult result = h.check();

        assertBreaksOnly(result, 7);
        assertThat(onlyDetail(result)).contains(B + " delivered a:7800#1/7 in view 1", "never sent");
    }

    @Test
    void deliveringTheMessageOfASenderOutsideTheViewBreaksNoCreation() {
        MemberId outsider = member("x");
        HistoryBuilder h = history();
        h.install(h.view(1, A, B), A, B);
        h.multicast(outsider, 1, 1, FIFO, A, B);

        CheckResult result = h.check();

        assertBreaksOnly(result, 7);
        assertThat(result.violations().get(0).detail()).contains("the sender is not a member of view 1");
    }

    @Test
    void deliveringOneMessageTwiceBreaksNoDuplication() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.multicast(A, 1, 1, FIFO, A, B, C);
        h.multicast(A, 2, 1, FIFO, A, B, C);
        h.deliver(A, 1, 1, FIFO, C);

        CheckResult result = h.check();

        assertBreaksOnly(result, 7);
        assertThat(onlyDetail(result)).contains(C + " delivered a:7800#1/1 in view 1 a second time");
    }

    @Test
    void equalMessageNumbersOfDifferentSendersAreDifferentMessages() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B), A, B);
        h.multicast(A, 1, 1, FIFO, A, B);
        h.multicast(B, 1, 1, FIFO, A, B);

        assertHolds(h.check());
    }

    @Test
    void equalMessageNumbersOfDifferentIncarnationsAreDifferentMessages() {
        MemberId b2 = member("b", 2);
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.multicast(B, 1, 1, FIFO, A, B, C);
        h.install(h.view(2, A, C), A, C);
        h.install(h.view(3, A, C, b2), A, C, b2);
        h.multicast(b2, 1, 3, FIFO, A, b2, C);

        assertHolds(h.check());
    }
}
