package io.vsync.tools.perf;

import io.vsync.api.Group;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The member side of {@code perf flush}, part (a): requests at a fixed rate, each a multicast
 * followed by {@code flush()}, as a server that obeys "flush before you talk to the outside
 * world" does per request. Per request it times, from just before the send call: the send
 * call's return ({@code call}, what a request costs without flush), the send's own delivery
 * ({@code deliv}) and the flush's completion ({@code flush}, the cost with flush). Then it
 * times {@code flush()} with nothing pending ({@code idle_flush_ns}).
 */
final class FlushProbe {
    static final int T_FLUSH = 4;
    private static final int IDLE_REPS = 100_000;

    private FlushProbe() {
    }

    static void run(Group group, int idx, int total, int warmup, int rate, int size,
                    Function<byte[], CompletableFuture<Void>> multicast) {
        try {
            long[] call = new long[total];
            long[] deliv = new long[total];
            long[] flushed = new long[total];
            Arrays.fill(deliv, -1);
            Arrays.fill(flushed, -1);
            AtomicInteger failures = new AtomicInteger();
            CountDownLatch left = new CountDownLatch(2 * total);
            Pacer pacer = new Pacer(rate);
            for (int i = 0; i < total; i++) {
                pacer.awaitNext();
                int seq = i;
                long t0 = System.nanoTime();
                CompletableFuture<Void> sent = multicast.apply(PerfMember.payload(size, T_FLUSH, idx, seq, 0, t0));
                call[seq] = System.nanoTime() - t0;
                sent.whenComplete((v, e) -> {
                    if (e == null) {
                        deliv[seq] = System.nanoTime() - t0; // read after left.await()
                    } else {
                        failures.incrementAndGet();
                    }
                    left.countDown();
                });
                group.flush().whenComplete((v, e) -> {
                    if (e == null) {
                        flushed[seq] = System.nanoTime() - t0;
                    } else {
                        failures.incrementAndGet();
                    }
                    left.countDown();
                });
            }
            long el = pacer.elapsedNanos();
            PerfMember.emit(String.format("@FLSENT sent=%d achieved_rate=%.1f", total, total / (el / 1e9)));
            if (!left.await(120, TimeUnit.SECONDS)) {
                PerfMember.emit("@ERROR " + left.getCount() + " sends/flushes never completed");
                return;
            }
            // Nothing is pending now: what a flush costs a request that sent nothing new.
            long t = System.nanoTime();
            for (int i = 0; i < IDLE_REPS; i++) {
                group.flush().join();
            }
            double idleNs = (System.nanoTime() - t) / (double) IDLE_REPS;
            PerfMember.emit("@FLDONE " + LatencyStats.of("call", call, warmup) + " " + LatencyStats.of("deliv", deliv, warmup)
                    + " " + LatencyStats.of("flush", flushed, warmup) + " failures=" + failures.get()
                    + String.format(" idle_flush_ns=%.1f", idleNs));
        } catch (Exception e) {
            PerfMember.emit("@ERROR flush probe failed: " + e);
        }
    }
}
