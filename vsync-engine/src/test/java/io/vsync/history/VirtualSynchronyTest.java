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

/** Guarantee 5: members that install v and v+1 delivered the same messages in v. */
class VirtualSynchronyTest {

    static final MemberId A = member("a");
    static final MemberId B = member("b");
    static final MemberId C = member("c");
    static final MemberId D = member("d");

    @Test
    void aMessageDeliveredBySomeSurvivorsOfAViewChangeOnlyBreaksVirtualSynchrony() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.multicast(A, 1, 1, FIFO, A, B, C);
        h.multicast(A, 2, 1, FIFO, A);
        h.multicast(B, 1, 1, ORDERED, A, C);
        h.install(h.view(2, A, B, C, D), A, B, C, D);

        CheckResult result = h.check();

        assertBreaksOnly(result, 5);
        assertThat(onlyDetail(result)).contains("installed both view 1 and view 2",
                "b:7800#1 lacks [a:7800#1/2, b:7800#1/1]", "c:7800#1 lacks [a:7800#1/2]");
    }

    @Test
    void aMemberThatCrashedMayHaveDeliveredLess() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.multicast(A, 1, 1, FIFO, A, B);
        h.install(h.view(2, A, B), A, B);

        assertHolds(h.check());
    }

    @Test
    void aPointToPointMessageIsDeliveredByItsDestinationOnly() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.multicast(A, 1, 1, P2P, C);
        h.install(h.view(2, A, B, C, D), A, B, C, D);

        assertHolds(h.check());
    }
}
