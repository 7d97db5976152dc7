package io.vsync.history;

import io.vsync.api.MemberId;
import io.vsync.api.View;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.vsync.api.DeliveryKind.FIFO;
import static io.vsync.api.DeliveryKind.ORDERED;
import static io.vsync.api.DeliveryKind.SAFE;
import static io.vsync.history.HistoryBuilder.GROUP;
import static io.vsync.history.HistoryBuilder.history;
import static io.vsync.history.HistoryBuilder.member;
import static io.vsync.history.Verdicts.assertHolds;
import static org.assertj.core.api.Assertions.assertThat;

class ValidHistoryTest {

    static final MemberId A = member("a");
    static final MemberId B = member("b");
    static final MemberId C = member("c");
    static final MemberId D = member("d");
    static final MemberId C2 = member("c", 2);

    /**
     * Three members; d joins; c fails while its message and a message of b are in flight; b's
     * message missed the cut and is sent again in the next view; d leaves gracefully; c comes
     * back as a new incarnation. FIFO, ORDERED and SAFE messages throughout.
     */
    static HistoryBuilder validHistory() {
        HistoryBuilder h = history();
        View v1 = h.view(1, A, B, C);
        h.install(v1, A, B, C)
                .multicast(A, 1, 1, FIFO, A, B, C)
                .send(B, 1, 1, ORDERED)
                .send(C, 1, 1, ORDERED)
                .deliver(B, 1, 1, ORDERED, A, B, C)
                .deliver(C, 1, 1, ORDERED, A, B, C);

        View v2 = h.view(2, A, B, C, D);
        h.install(v2, A, B, C, D)
                .multicast(D, 1, 2, ORDERED, A, B, C, D)
                .multicast(A, 2, 2, FIFO, A, B, C, D)
                // c's last message: c and a had it before c crashed, the trim brings it to b and d.
                .send(C, 2, 2, FIFO)
                .deliver(C, 2, 2, FIFO, C, A, B, D)
                // b's message misses the cut: nobody delivers it in view 2.
                .send(B, 2, 2, FIFO);

        View v3 = h.view(3, A, B, D);
        h.install(v3, A, B, D)
                .multicast(B, 2, 3, FIFO, B, A, D)
                .send(B, 3, 3, ORDERED)
                .send(A, 3, 3, ORDERED)
                .deliver(A, 3, 3, ORDERED, A, B, D)
                .deliver(B, 3, 3, ORDERED, A, B, D)
                .multicast(D, 2, 3, FIFO, A, B, D);

        View v4 = h.viewWithLeavers(4, List.of(D), A, B);
        h.left(D)
                .install(v4, A, B)
                .multicast(A, 4, 4, FIFO, A, B);

        View v5 = h.view(5, A, B, C2);
        h.install(v5, A, B, C2)
                .multicast(C2, 1, 5, SAFE, C2, A, B)
                .multicast(A, 5, 5, SAFE, C2, A, B);
        return h;
    }

    @Test
    void aHistoryWithJoinFailureLeaveResendAndRejoinKeepsEveryGuarantee() {
        HistoryBuilder h = validHistory();

        CheckResult result = h.check(CheckOptions.quiescent(Map.of(GROUP, Set.of(A, B, C2))));

        assertHolds(result);
        assertThat(result.events()).isEqualTo(h.size());
        assertThat(result.views()).isEqualTo(5);
        assertThat(result.deliveries()).isEqualTo(
                (int) h.events().stream().filter(e -> e instanceof HistoryEvent.Delivered).count());
    }

    @Test
    void theValidHistoryAlsoHoldsWhenOnlySafetyIsChecked() {
        assertHolds(validHistory().check(CheckOptions.safetyOnly()));
    }

    @Test
    void theViewsWorkedOutByTheBuilderRecordJoinsFailuresAndLeaves() {
        HistoryBuilder h = history();
        h.view(1, A, B, C);
        View v2 = h.view(2, A, B, C, D);
        View v3 = h.view(3, A, B, D);
        View v4 = h.viewWithLeavers(4, List.of(D), A, B);

        assertThat(v2.joined()).containsExactly(D);
        assertThat(v3.failed()).containsExactly(C);
        assertThat(v4.left()).containsExactly(D);
        assertThat(v4.failed()).isEmpty();
    }

    @Test
    void anEmptyHistoryHoldsTrivially() {
        CheckResult result = new Checker().check(List.of(), CheckOptions.quiescent());

        assertHolds(result);
        assertThat(result.events()).isZero();
        assertThat(result.summary()).contains("all guarantees hold");
    }
}
