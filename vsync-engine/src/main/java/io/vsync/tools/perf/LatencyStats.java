package io.vsync.tools.perf;

import java.util.Arrays;

/** Percentiles of latency samples (ns), printed as the harness prints them (µs). */
final class LatencyStats {

    private LatencyStats() {
    }

    /**
     * {@code <name>_n= <name>_p50_us= ... <name>_mean_us=} over the samples after the first
     * {@code warmup}; a sample below zero (never completed) counts as missing and is reported as
     * {@code <name>_missing=}.
     */
    static String of(String name, long[] all, int warmup) {
        long[] v = Arrays.stream(Arrays.copyOfRange(all, Math.min(warmup, all.length), all.length))
                .filter(x -> x >= 0).sorted().toArray();
        int missing = all.length - Math.min(warmup, all.length) - v.length;
        if (v.length == 0) {
            return name + "_n=0" + (missing > 0 ? " " + name + "_missing=" + missing : "");
        }
        double sum = 0;
        for (long x : v) {
            sum += x;
        }
        return String.format("%s_n=%d %s_p50_us=%.1f %s_p90_us=%.1f %s_p99_us=%.1f %s_p999_us=%.1f %s_max_us=%.1f"
                        + " %s_mean_us=%.1f", name, v.length, name, pct(v, 0.50), name, pct(v, 0.90), name,
                pct(v, 0.99), name, pct(v, 0.999), name, v[v.length - 1] / 1e3, name, sum / v.length / 1e3)
                + (missing > 0 ? " " + name + "_missing=" + missing : "");
    }

    /** The p-quantile (nearest rank) of sorted ns samples, in µs. */
    static double pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e3;
    }
}
