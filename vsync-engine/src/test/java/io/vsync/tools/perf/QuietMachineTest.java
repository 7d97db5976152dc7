package io.vsync.tools.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class QuietMachineTest {

    @Test
    void theBusyShareCountsIdleAndIowaitAsIdleAndLeavesGuestTimeOut() {
        long[] before = QuietMachine.parseCpuLine("cpu  1000 10 200 5000 20 0 30 0 400 0");
        // +60 user, +0 nice, +20 system, +900 idle, +10 iowait, +10 softirq; guest +50 is inside user
        long[] after = QuietMachine.parseCpuLine("cpu  1060 10 220 5900 30 0 40 0 450 0");
        assertThat(QuietMachine.busyShare(before, after)).isCloseTo(90.0 / 1000, within(1e-9));
    }

    @Test
    void aMachineThatDidNothingIsQuietAndOneThatDidNothingElseIsBusy() {
        long[] a = QuietMachine.parseCpuLine("cpu 1 2 3 4 5 6 7 8");
        assertThat(QuietMachine.busyShare(a, a)).isZero();
        long[] b = QuietMachine.parseCpuLine("cpu 101 2 103 4 5 6 7 8");
        assertThat(QuietMachine.busyShare(a, b)).isEqualTo(1.0);
        assertThat(QuietMachine.busyShare(a, b)).isGreaterThan(QuietMachine.QUIET_BELOW);
    }

    @Test
    void onlyTheAggregateCpuLineIsAccepted() {
        assertThatThrownBy(() -> QuietMachine.parseCpuLine("cpu0 1 2 3 4 5"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("aggregate cpu line");
        assertThat(QuietMachine.read()).as("this machine's /proc/stat").isNotNull().hasSizeGreaterThanOrEqualTo(4);
    }
}
