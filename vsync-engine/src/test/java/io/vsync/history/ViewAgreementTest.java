package io.vsync.history;

import io.vsync.api.MemberId;
import io.vsync.api.View;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.vsync.history.HistoryBuilder.GROUP;
import static io.vsync.history.HistoryBuilder.history;
import static io.vsync.history.HistoryBuilder.member;
import static io.vsync.history.Verdicts.assertBreaksOnly;
import static io.vsync.history.Verdicts.assertHolds;
import static io.vsync.history.Verdicts.onlyDetail;
import static org.assertj.core.api.Assertions.assertThat;

/** Guarantee 1: every install of a view id has the same member list. */
class ViewAgreementTest {

    static final MemberId A = member("a");
    static final MemberId B = member("b");
    static final MemberId C = member("c");
    static final MemberId D = member("d");

    @Test
    void membersInstallingOneViewIdWithDifferentRankOrdersBreakViewAgreement() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.install(h.view(2, A, B), A);
        h.install(h.rogueView(2, B, A), B);

        CheckResult result = h.check();

        assertBreaksOnly(result, 1);
        assertThat(onlyDetail(result)).contains("group g view 2", B.toString(), A.toString(),
                "[b:7800#1, a:7800#1]", "[a:7800#1, b:7800#1]");
    }

    @Test
    void membersInstallingOneViewIdWithDifferentMembersBreakViewAgreement() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C, D), A, B, C, D);
        h.install(h.view(2, A, B, C), A, B);
        h.install(h.rogueView(2, A, B, D), D);

        assertBreaksOnly(h.check(), 1);
    }

    @Test
    void sameMembersButDisagreeingAboutWhoFailedBreakViewAgreement() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        View v2 = h.view(2, A, B);
        h.install(v2, A);
        h.install(new View(GROUP, 2, List.of(A, B), List.of(), List.of(C), List.of()), B);

        CheckResult result = h.check();

        assertBreaksOnly(result, 1);
        assertThat(onlyDetail(result)).contains("same members", "failed [c:7800#1]", "left [c:7800#1]");
    }

    @Test
    void changeListsInADifferentOrderAreStillTheSameView() {
        HistoryBuilder h = history();
        h.install(h.view(1, A), A);
        h.install(new View(GROUP, 2, List.of(A, B, C), List.of(B, C), List.of(), List.of()), A, B);
        h.install(new View(GROUP, 2, List.of(A, B, C), List.of(C, B), List.of(), List.of()), C);

        assertHolds(h.check());
    }
}
