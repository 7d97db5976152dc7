package io.vsync.history;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on check results that print the checker's own report when they fail. */
final class Verdicts {

    private Verdicts() {
    }

    static void assertHolds(CheckResult result) {
        assertThat(result.violations()).as(result.summary()).isEmpty();
        assertThat(result.ok()).as(result.summary()).isTrue();
    }

    /** The history breaks {@code guarantee} and no other. */
    static void assertBreaksOnly(CheckResult result, int guarantee) {
        assertThat(result.violationCounts().keySet()).as(result.summary()).containsExactly(guarantee);
        assertThat(result.ok()).isFalse();
        assertThat(result.violations()).allSatisfy(v -> assertThat(v.guarantee()).isEqualTo(guarantee));
    }

    /** The single reported violation's detail. */
    static String onlyDetail(CheckResult result) {
        assertThat(result.violations()).as(result.summary()).hasSize(1);
        return result.violations().get(0).detail();
    }
}
