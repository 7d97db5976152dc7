package io.vsync.tools.perf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LatencyStatsTest {

    private static long[] micros(int from, int to) {
        long[] v = new long[to - from + 1];
        for (int i = 0; i < v.length; i++) {
            v[i] = (from + i) * 1000L;
        }
        return v;
    }

    @Test
    void percentilesAreNearestRankInMicroseconds() {
        long[] sorted = micros(1, 1000);
        assertThat(LatencyStats.pct(sorted, 0.50)).isEqualTo(500.0);
        assertThat(LatencyStats.pct(sorted, 0.99)).isEqualTo(990.0);
        assertThat(LatencyStats.pct(sorted, 0.999)).isEqualTo(999.0);
    }

    @Test
    void warmUpSamplesAreLeftOut() {
        long[] all = new long[105];
        Arrays.fill(all, 0, 5, 9_000_000L); // a slow warm-up: 9 ms each
        System.arraycopy(micros(1, 100), 0, all, 5, 100);
        String s = LatencyStats.of("q", all, 5);
        assertThat(s).contains("q_n=100 ", "q_p50_us=50.0 ", "q_max_us=100.0 ").doesNotContain("missing");
    }

    @Test
    void samplesThatNeverCompletedAreCountedAsMissing() {
        long[] all = micros(1, 10);
        all[3] = -1;
        all[7] = -1;
        String s = LatencyStats.of("flush", all, 0);
        assertThat(s).startsWith("flush_n=8 ").endsWith(" flush_missing=2");
        assertThat(LatencyStats.of("x", new long[] {-1, -1}, 0)).isEqualTo("x_n=0 x_missing=2");
    }
}
