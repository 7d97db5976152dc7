package io.vsync.history;

import io.vsync.api.MemberId;
import io.vsync.api.View;
import org.junit.jupiter.api.Test;

import static io.vsync.history.HistoryBuilder.history;
import static io.vsync.history.HistoryBuilder.member;
import static io.vsync.history.Verdicts.assertBreaksOnly;
import static io.vsync.history.Verdicts.assertHolds;
import static io.vsync.history.Verdicts.onlyDetail;
import static org.assertj.core.api.Assertions.assertThat;

/** Guarantee 2: each member installs views in increasing id, without gaps. */
class ViewOrderTest {

    static final MemberId A = member("a");
    static final MemberId B = member("b");
    static final MemberId C = member("c");
    static final MemberId D = member("d");
    static final MemberId E = member("e");

    @Test
    void aMemberSkippingAViewBreaksViewOrder() {
        HistoryBuilder h = history();
        View v1 = h.view(1, A, B, C);
        View v2 = h.view(2, A, B, C, D);
        View v3 = h.view(3, A, B, C, D, E);
        h.install(v1, A, B, C).install(v2, B, C, D).install(v3, A, B, C, D, E);

        CheckResult result = h.check();

        assertBreaksOnly(result, 2);
        assertThat(onlyDetail(result)).contains(A.toString(), "view 3 right after view 1", "skipping view(s) 2");
    }

    @Test
    void aMemberGoingBackToAnEarlierViewBreaksViewOrder() {
        HistoryBuilder h = history();
        View v1 = h.view(1, A, B);
        View v2 = h.view(2, A, B, C);
        h.install(v1, A, B).install(v2, A, B, C).install(v1, A);

        CheckResult result = h.check();

        assertBreaksOnly(result, 2);
        assertThat(onlyDetail(result)).contains("view 1 right after view 2", "increasing");
    }

    @Test
    void reinstallingTheCurrentViewBreaksViewOrder() {
        HistoryBuilder h = history();
        View v1 = h.view(1, A, B);
        h.install(v1, A, B).install(v1, B);

        assertBreaksOnly(h.check(), 2);
    }

    @Test
    void aJoinersFirstViewMayHaveAnyId() {
        HistoryBuilder h = history();
        View v1 = h.view(1, A, B, C);
        h.install(v1, A, B, C);
        for (int id = 2; id <= 4; id++) {
            h.install(h.view(id, A, B, C), A, B, C);
        }
        h.install(h.view(5, A, B, C, D), A, B, C, D);
        h.install(h.view(6, A, B, C, D, E), A, B, C, D, E);

        assertHolds(h.check());
    }
}
