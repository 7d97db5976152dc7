package io.vsync.history;

import io.vsync.api.MemberId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.vsync.api.DeliveryKind.FIFO;
import static io.vsync.history.HistoryBuilder.history;
import static io.vsync.history.HistoryBuilder.member;
import static io.vsync.history.Verdicts.assertHolds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the checker reports: capped lists, full counts, stable order, groups kept apart. */
class CheckerReportingTest {

    static final MemberId A = member("a");
    static final MemberId B = member("b");
    static final MemberId C = member("c");

    static HistoryBuilder thirtyCreatedMessages() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B), A, B);
        for (int n = 1; n <= 30; n++) {
            h.deliver(A, n, 1, FIFO, B);
        }
        return h;
    }

    @Test
    void reportsAtMostTwentyViolationsPerGuaranteeButCountsThemAll() {
        CheckResult result = thirtyCreatedMessages().check();

        assertThat(result.violations()).hasSize(Checker.DEFAULT_MAX_REPORTED_PER_GUARANTEE);
        assertThat(result.violationCount(7)).isEqualTo(30);
        assertThat(result.violationCount()).isEqualTo(30);
        assertThat(result.summary()).contains("30 violation(s)", "guarantee 7: 30 (first 20 shown)");
    }

    @Test
    void theCapCanBeChosen() {
        CheckResult result = new Checker(5).check(thirtyCreatedMessages().events(), CheckOptions.safetyOnly());

        assertThat(result.violations()).hasSize(5);
        assertThat(result.violationCount(7)).isEqualTo(30);
        assertThatThrownBy(() -> new Checker(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void violationsComeInGuaranteeOrderWithNamesAndNumbers() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.deliver(A, 9, 1, FIFO, B);               // 7: never sent
        h.install(h.view(2, B, C), A);             // 3: a installs a view without itself
        CheckResult result = h.check();

        assertThat(result.violations()).extracting(Violation::guarantee).containsExactly(3, 7);
        assertThat(result.violations().get(0).name()).isEqualTo("self-inclusion");
        assertThat(result.violations().get(0).toString()).startsWith("#3 self-inclusion: group g: ");
        assertThat(result.summary()).contains("#3 self-inclusion", "#7 no creation, no duplication");
    }

    @Test
    void groupsAreCheckedApart() {
        HistoryBuilder g = history("g");
        g.install(g.view(1, A, B), A, B);
        g.multicast(A, 1, 1, FIFO, A, B);
        HistoryBuilder other = history("other");
        other.install(other.view(1, A, C), A, C);
        other.multicast(A, 1, 1, FIFO, A, C);

        List<HistoryEvent> both = new ArrayList<>(g.events());
        both.addAll(other.events());
        CheckResult result = new Checker().check(both, CheckOptions.quiescent());

        assertHolds(result);
        assertThat(result.views()).isEqualTo(2);
        assertThat(result.deliveries()).isEqualTo(4);
    }

    @Test
    void aViolationInOneGroupNamesThatGroup() {
        HistoryBuilder other = history("other.group-1");
        other.install(other.view(1, A, B), A, B);
        other.deliver(A, 1, 1, FIFO, B);

        assertThat(other.check().violations()).singleElement()
                .satisfies(v -> assertThat(v.detail()).startsWith("group other.group-1: "));
    }
}
