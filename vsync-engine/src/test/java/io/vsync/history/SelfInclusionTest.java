package io.vsync.history;

import io.vsync.api.MemberId;
import org.junit.jupiter.api.Test;

import static io.vsync.history.HistoryBuilder.history;
import static io.vsync.history.HistoryBuilder.member;
import static io.vsync.history.Verdicts.assertBreaksOnly;
import static io.vsync.history.Verdicts.onlyDetail;
import static org.assertj.core.api.Assertions.assertThat;

/** Guarantee 3: a member installs only views that contain it. */
class SelfInclusionTest {

    static final MemberId A = member("a");
    static final MemberId B = member("b");
    static final MemberId C = member("c");

    @Test
    void aMemberInstallingTheViewThatRemovedItBreaksSelfInclusion() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.install(h.view(2, B, C), A, B, C);

        CheckResult result = h.check();

        assertBreaksOnly(result, 3);
        assertThat(onlyDetail(result)).contains(A.toString(), "view 2", "does not contain it");
    }
}
