package io.vsync.tools.perf;

import io.vsync.api.DeliveryInfo;
import io.vsync.api.Group;
import io.vsync.api.QueryResult;
import io.vsync.api.Quorum;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The member side of {@code perf query}: every member answers queries from its local state
 * (how many query requests it has delivered so far); one member asks
 * {@code query(Quorum.ALL, ...)} at a fixed rate and times each call until its complete result.
 *
 * <p>Requests are delivered in the group's total order, so every member answers the same
 * count for one request: the asker checks that ({@code same_state}) along with the number of
 * OK replies.
 */
final class QueryAsker {
    static final int T_QUERY = 5;
    static final int T_REPLY = 6;

    private final Group group;
    private final int idx;
    private final int n;
    /** Query requests delivered here since the last reset: written by the delivery thread only. */
    private final AtomicLong delivered = new AtomicLong();

    QueryAsker(Group group, int idx, int n) {
        this.group = group;
        this.idx = idx;
        this.n = n;
        group.handleQuery(byte[].class, this::answer);
        group.handleQuery(RawView.class, (v, info) -> answer(v.toBytes(), info)); // the raw codec's requests
    }

    /** Before a run, with no query in flight: counting starts from zero at every member. */
    void reset() {
        delivered.set(0);
    }

    /** Reply: [T_REPLY][answering idx][request seq][0][requests delivered before this one]. */
    private byte[] answer(byte[] request, DeliveryInfo info) {
        long before = delivered.getAndIncrement();
        int seq = request.length >= PerfMember.HDR ? ByteBuffer.wrap(request).getInt(8) : -1;
        byte[] r = new byte[PerfMember.HDR];
        ByteBuffer.wrap(r).putInt(T_REPLY).putInt(idx).putInt(seq).putInt(0).putLong(before);
        return r;
    }

    /** Asks {@code total} queries at {@code rate}/s; reports {@code @QRYSENT} and then {@code @QRYDONE}. */
    void ask(int total, int warmup, int rate, int size, long timeoutMs) {
        try {
            long[] lat = new long[total];
            Arrays.fill(lat, -1);
            AtomicInteger incomplete = new AtomicInteger();
            AtomicInteger wrong = new AtomicInteger();
            AtomicInteger diverged = new AtomicInteger();
            CountDownLatch left = new CountDownLatch(total);
            Duration timeout = Duration.ofMillis(timeoutMs);
            Pacer pacer = new Pacer(rate);
            for (int i = 0; i < total; i++) {
                pacer.awaitNext();
                if (i == warmup) {
                    PerfMember.emit("@WARMED"); // the driver takes the members' CPU from here
                }
                int seq = i;
                long t0 = System.nanoTime();
                byte[] req = PerfMember.payload(size, T_QUERY, idx, seq, 0, t0);
                group.queryAsync(Quorum.ALL, req, byte[].class, timeout).whenComplete((r, e) -> {
                    long dt = System.nanoTime() - t0;
                    if (e != null || !r.complete()) {
                        incomplete.incrementAndGet();
                    } else {
                        check(r, seq, wrong, diverged);
                    }
                    lat[seq] = dt; // read after left.await(): countDown() orders it
                    left.countDown();
                });
            }
            long el = pacer.elapsedNanos();
            PerfMember.emit(String.format("@QRYSENT sent=%d achieved_rate=%.1f", total, total / (el / 1e9)));
            if (!left.await(timeoutMs + 60_000, TimeUnit.MILLISECONDS)) {
                PerfMember.emit("@ERROR " + left.getCount() + " queries never completed");
                return;
            }
            PerfMember.emit("@QRYDONE " + LatencyStats.of("q", lat, warmup) + " incomplete=" + incomplete.get()
                    + " wrong_replies=" + wrong.get() + " same_state=" + (diverged.get() == 0));
        } catch (Exception e) {
            PerfMember.emit("@ERROR query failed: " + e);
        }
    }

    /** n OK replies, each to this request; all computed from the same state (the same count). */
    private void check(QueryResult<byte[]> r, int seq, AtomicInteger wrong, AtomicInteger diverged) {
        List<byte[]> values = r.values();
        if (values.size() != n) {
            wrong.incrementAndGet();
            return;
        }
        long state = -1;
        for (byte[] v : values) {
            ByteBuffer b = ByteBuffer.wrap(v);
            if (v.length < PerfMember.HDR || b.getInt(0) != T_REPLY || b.getInt(8) != seq) {
                wrong.incrementAndGet();
                return;
            }
            if (state >= 0 && b.getLong(16) != state) {
                diverged.incrementAndGet();
            }
            state = b.getLong(16);
        }
    }
}
