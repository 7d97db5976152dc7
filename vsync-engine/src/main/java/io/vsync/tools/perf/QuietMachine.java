package io.vsync.tools.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Waits, before each phase of {@code compare}, until the machine's CPUs are mostly idle. The
 * member JVMs of the phase before leave work behind them when they exit: on the 2-core
 * machine `perf sched` showed the kernel's memory compaction and per-CPU memory workers
 * holding one CPU for about 1.7 s after three 1 GB heaps were freed. Whichever system ran
 * next paid for it; waiting gives both systems the same quiet start.
 */
final class QuietMachine {
    /** Busy share of all CPUs under which the machine counts as quiet. */
    static final double QUIET_BELOW = 0.10;
    private static final long SAMPLE_MS = 500;
    private static final long LIMIT_MS = 15_000;

    private QuietMachine() {
    }

    /**
     * Samples the machine's CPU every half second until one sample is under
     * {@link #QUIET_BELOW} busy or 15 s have passed; says what it waited for.
     */
    static void await(PerfCommand p, String before) throws InterruptedException {
        long[] last = read();
        if (last == null) {
            return; // no /proc/stat: nothing to wait on
        }
        long t0 = System.nanoTime();
        double busy = 1;
        while ((System.nanoTime() - t0) / 1_000_000 < LIMIT_MS) {
            Thread.sleep(SAMPLE_MS);
            long[] now = read();
            busy = busyShare(last, now);
            last = now;
            if (busy < QUIET_BELOW) {
                break;
            }
        }
        p.say(String.format("waited %d ms for a quiet machine before %s (last half second %.0f %% busy)",
                (System.nanoTime() - t0) / 1_000_000, before, 100 * busy));
    }

    /** The aggregate "cpu" line of /proc/stat as numbers, or null where there is none. */
    static long[] read() {
        try {
            return parseCpuLine(Files.readAllLines(Path.of("/proc/stat")).get(0));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** user nice system idle iowait irq softirq steal ... of a "cpu ..." line. */
    static long[] parseCpuLine(String line) {
        String[] f = line.trim().split("\\s+");
        if (!f[0].equals("cpu") || f.length < 5) {
            throw new IllegalArgumentException("not the aggregate cpu line of /proc/stat: " + line);
        }
        long[] ticks = new long[f.length - 1];
        for (int i = 1; i < f.length; i++) {
            ticks[i - 1] = Long.parseLong(f[i]);
        }
        return ticks;
    }

    /**
     * Share of the CPU time between two samples that was not idle (idle and iowait count as
     * idle; guest time is already inside user and nice, so the first eight fields are the total).
     */
    static double busyShare(long[] before, long[] after) {
        long total = 0;
        long idle = 0;
        for (int i = 0; i < Math.min(8, Math.min(before.length, after.length)); i++) {
            long d = after[i] - before[i];
            total += d;
            if (i == 3 || i == 4) {
                idle += d;
            }
        }
        return total <= 0 ? 0 : 1 - (double) idle / total;
    }
}
