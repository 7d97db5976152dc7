package io.vsync.history;

import io.vsync.api.MemberId;
import io.vsync.api.View;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.vsync.api.DeliveryKind.FIFO;
import static io.vsync.history.HistoryBuilder.history;
import static io.vsync.history.HistoryBuilder.member;
import static io.vsync.history.Verdicts.assertBreaksOnly;
import static io.vsync.history.Verdicts.assertHolds;
import static io.vsync.history.Verdicts.onlyDetail;
import static org.assertj.core.api.Assertions.assertThat;

/** Guarantee 4: each view is formed by a majority of the one before; the minority stops. */
class PrimaryPartitionTest {

    static final MemberId A = member("a");
    static final MemberId B = member("b");
    static final MemberId C = member("c");
    static final MemberId D = member("d");
    static final MemberId E = member("e");
    static final MemberId F = member("f");

    @Test
    void twoOfFiveFormingTheNextViewBreakPrimaryPartition() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C, D, E), A, B, C, D, E);
        h.install(h.view(2, A, B), A, B);

        CheckResult result = h.check();

        assertBreaksOnly(result, 4);
        assertThat(onlyDetail(result)).contains("view 2", "keeps 2 member(s) of view 1", "majority of 3");
    }

    @Test
    void halfOfAnEvenViewIsNotAMajority() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C, D), A, B, C, D);
        h.install(h.view(2, A, B), A, B);

        assertBreaksOnly(h.check(), 4);
    }

    @Test
    void gracefulLeaversCountTowardsTheMajority() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C, D), A, B, C, D);
        h.left(C);
        View v2 = h.viewWithLeavers(2, List.of(C), A, B);
        assertThat(v2.failed()).containsExactly(D);
        h.install(v2, A, B);

        assertHolds(h.check());
    }

    @Test
    void gracefulLeaversCannotMakeUpForTooManyFailures() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C, D, E, F), A, B, C, D, E, F);
        h.install(h.viewWithLeavers(2, List.of(C), A, B), A, B);

        assertBreaksOnly(h.check(), 4);
    }

    @Test
    void joinersDoNotCountTowardsTheMajority() {
        MemberId x = member("x");
        MemberId y = member("y");
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.install(h.view(2, A, x, y), A, x, y);

        assertBreaksOnly(h.check(), 4);
    }

    @Test
    void aMemberInstallingAViewAfterReportingItselfPartitionedBreaksPrimaryPartition() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.partitioned(C, 1);
        h.install(h.view(2, A, B, C), A, B, C);

        CheckResult result = h.check();

        assertBreaksOnly(result, 4);
        assertThat(onlyDetail(result)).contains(C.toString(), "partitioned in view 1", "installed view 2");
    }

    @Test
    void aMemberDeliveringAfterReportingItselfPartitionedBreaksPrimaryPartition() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.send(A, 1, 1, FIFO).deliver(A, 1, 1, FIFO, A, B);
        h.partitioned(C, 1);
        h.deliver(A, 1, 1, FIFO, C);
        h.install(h.view(2, A, B), A, B);

        CheckResult result = h.check();

        assertBreaksOnly(result, 4);
        assertThat(onlyDetail(result)).contains("delivered a:7800#1/1 in view 1");
    }

    @Test
    void aPartitionedMemberMayComeBackAsANewIncarnation() {
        MemberId c2 = member("c", 2);
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.partitioned(C, 1);
        h.install(h.view(2, A, B), A, B);
        h.install(h.view(3, A, B, c2), A, B, c2);
        h.multicast(c2, 1, 3, FIFO, A, B, c2);

        assertHolds(h.check());
    }
}
