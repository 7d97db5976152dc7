package io.vsync.history;

import io.vsync.api.MemberId;
import org.junit.jupiter.api.Test;

import static io.vsync.api.DeliveryKind.FIFO;
import static io.vsync.api.DeliveryKind.ORDERED;
import static io.vsync.api.DeliveryKind.SAFE;
import static io.vsync.history.HistoryBuilder.history;
import static io.vsync.history.HistoryBuilder.member;
import static io.vsync.history.Verdicts.assertBreaksOnly;
import static io.vsync.history.Verdicts.assertHolds;
import static org.assertj.core.api.Assertions.assertThat;

/** Guarantee 10: ORDERED and SAFE messages are delivered in one relative order everywhere. */
class TotalOrderTest {

    static final MemberId A = member("a");
    static final MemberId B = member("b");
    static final MemberId C = member("c");

    @Test
    void twoMembersDeliveringOrderedMessagesInOppositeOrdersBreakTotalOrder() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.send(A, 1, 1, ORDERED).send(B, 1, 1, ORDERED);
        h.deliver(A, 1, 1, ORDERED, A, C).deliver(B, 1, 1, ORDERED, A, C);
        h.deliver(B, 1, 1, ORDERED, B).deliver(A, 1, 1, ORDERED, B);

        CheckResult result = h.check();

        assertBreaksOnly(result, 10);
        assertThat(result.violationCount(10)).as("pairs (a, b) and (b, c)").isEqualTo(2);
        assertThat(result.violations().get(0).detail()).contains(
                A + " delivered a:7800#1/1 before b:7800#1/1, but " + B + " delivered b:7800#1/1 before a:7800#1/1");
    }

    @Test
    void safeMessagesAreTotallyOrderedWithOrderedOnes() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B), A, B);
        h.send(A, 1, 1, SAFE).send(B, 1, 1, ORDERED);
        h.deliver(A, 1, 1, SAFE, A).deliver(B, 1, 1, ORDERED, A);
        h.deliver(B, 1, 1, ORDERED, B).deliver(A, 1, 1, SAFE, B);

        assertBreaksOnly(h.check(), 10);
    }

    @Test
    void fifoMessagesOfDifferentSendersMayBeDeliveredInDifferentOrders() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B), A, B);
        h.send(A, 1, 1, FIFO).send(B, 1, 1, FIFO);
        h.deliver(A, 1, 1, FIFO, A).deliver(B, 1, 1, FIFO, A);
        h.deliver(B, 1, 1, FIFO, B).deliver(A, 1, 1, FIFO, B);

        assertHolds(h.check());
    }

    @Test
    void aMemberThatDeliveredOnlySomeOrderedMessagesAgreesOnThoseItDelivered() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.send(A, 1, 1, ORDERED).send(B, 1, 1, ORDERED).send(A, 2, 1, ORDERED);
        h.deliver(A, 1, 1, ORDERED, A, B, C).deliver(B, 1, 1, ORDERED, A, B).deliver(A, 2, 1, ORDERED, A, B, C);
        h.install(h.view(2, A, B), A, B);

        assertHolds(h.check());
    }
}
