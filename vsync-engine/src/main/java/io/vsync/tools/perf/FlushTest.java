package io.vsync.tools.perf;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code perf flush}: what {@code flush()} costs when called per request, n = 3.
 *
 * <ul>
 *   <li>{@code vsync.flush latency}: one non-leader member issues requests at a fixed
 *       {@code --rate}, each a multicast of {@code --size} bytes followed by {@code flush()};
 *       per request, from just before the send call: {@code call_*} (the send call returns:
 *       a request without flush), {@code p50_us/p99_us/p999_us} (the flush completes: a request
 *       with flush), {@code deliv_*} (the send's own delivery), and {@code idle_flush_ns}
 *       (a flush with nothing pending).</li>
 *   <li>{@code vsync.flush throughput}: every member runs the loop {@code send; flush().get()}
 *       for its share of {@code --fl-msgs}, against the same loop without flush (same cluster,
 *       same message count, after an unmeasured warm-up of {@code --fl-tp-warmup}). msgs/s as in
 *       the throughput test (per member); {@code loop_us}: one iteration of the flushing loop at
 *       one member.</li>
 * </ul>
 * {@code --fl-kind fifo|causal|ordered|safe} chooses the multicast (default fifo: {@code send}).
 */
final class FlushTest {
    static final String NAME = "vsync.flush";

    private final PerfCommand p;

    private final ThroughputTest tp;

    FlushTest(PerfCommand p) {
        this.p = p;
        this.tp = new ThroughputTest(p);
    }

    void run() throws Exception {
        int n = p.i("n", 3);
        int size = p.i("size", 1000);
        int runs = Integer.parseInt(p.first("3", "fl-runs", "lat-runs", "runs"));
        int count = Integer.parseInt(p.first("20000", "fl-count", "count"));
        int warm = Integer.parseInt(p.first("10000", "fl-warmup", "lat-warmup", "warmup"));
        int rate = Integer.parseInt(p.first("2000", "fl-rate", "rate"));
        long msgs = Long.parseLong(p.first("30000", "fl-msgs"));
        long tpWarm = Long.parseLong(p.first("100000", "fl-tp-warmup"));
        String kind = PerfCommand.parseKinds("fl-kind", p.first("fifo", "fl-kind")).get(0);
        for (int run = 1; run <= runs; run++) {
            List<MemberProcess> cl = null;
            try {
                cl = p.startCluster("flush-r" + run, n, p.i("heap-mb", 1024), p.loadTestFd());
                latency(cl, run, kind, size, count, warm, rate);
                throughput(cl, run, kind, size, msgs, tpWarm);
                p.reportWarnings(cl);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                p.failed(NAME, run, e, cl);
            } finally {
                if (cl != null) {
                    p.stopCluster(cl);
                }
            }
        }
        p.median(NAME + " latency", "n=" + n + " kind=" + kind + " msg=" + size + " rate=" + rate + " count=" + count,
                "call_p50_us", "call_p99_us", "p50_us", "p99_us", "p999_us", "idle_flush_ns");
        p.median(NAME + " throughput", "n=" + n + " kind=" + kind + " msg=" + size + " msgs=" + msgs,
                "msgs_per_s_noflush", "msgs_per_s_flush", "noflush_over_flush", "loop_us");
    }

    private void latency(List<MemberProcess> cl, int run, String kind, int size, int count, int warm, int rate)
            throws Exception {
        int sender = PerfCommand.firstNonLeader(cl);
        int total = count + warm;
        cl.get(sender).cmd("FL_GO " + total + " " + warm + " " + rate + " " + size + " " + kind);
        long to = 60_000L + 1000L * total / rate;
        Map<String, String> sent = PerfCommand.kv(cl.get(sender).await("@FLSENT", to));
        Map<String, String> d = PerfCommand.kv(cl.get(sender).await("@FLDONE", to + 120_000));
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("n", cl.size());
        f.put("kind", kind);
        f.put("msg", size);
        f.put("call_p50_us", num(d, "call_p50_us"));
        f.put("call_p99_us", num(d, "call_p99_us"));
        f.put("p50_us", num(d, "flush_p50_us"));
        f.put("p99_us", num(d, "flush_p99_us"));
        f.put("p999_us", num(d, "flush_p999_us"));
        f.put("deliv_p50_us", num(d, "deliv_p50_us"));
        f.put("deliv_p99_us", num(d, "deliv_p99_us"));
        f.put("idle_flush_ns", num(d, "idle_flush_ns"));
        f.put("rate", rate);
        f.put("count", count);
        f.put("warmup", warm);
        f.put("run", run);
        f.put("sender", "m" + sender + "(non-leader)");
        f.put("achieved_rate", num(sent, "achieved_rate"));
        f.put("failures", Integer.parseInt(d.get("failures")));
        p.result(NAME + " latency", f);
    }

    private void throughput(List<MemberProcess> cl, int run, String kind, int size, long msgs, long warm)
            throws Exception {
        if (warm > 0) {
            tp.round(cl, 0, warm, size, kind, false);
            Thread.sleep(500);
        }
        Map<String, Object> plain = tp.round(cl, 1, msgs, size, kind, false);
        Thread.sleep(500);
        Map<String, Object> flushed = tp.round(cl, 2, msgs, size, kind, true);
        double without = (Double) plain.get("msgs_per_s");
        double with = (Double) flushed.get("msgs_per_s");
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("n", cl.size());
        f.put("kind", kind);
        f.put("msg", size);
        f.put("msgs_per_s_noflush", without);
        f.put("msgs_per_s_flush", with);
        f.put("noflush_over_flush", without / with);
        // every member delivers all msgs, and each member sent msgs/n of them one at a time
        f.put("loop_us", 1e6 * cl.size() / with);
        f.put("cpu_us_per_msg_noflush", plain.get("cpu_us_per_msg"));
        f.put("cpu_us_per_msg_flush", flushed.get("cpu_us_per_msg"));
        f.put("fifo_ok", (Boolean) plain.get("fifo_ok") && (Boolean) flushed.get("fifo_ok"));
        f.put("msgs", msgs);
        f.put("warmup", warm);
        f.put("run", run);
        p.result(NAME + " throughput", f);
    }

    private static double num(Map<String, String> m, String k) {
        String v = m.get(k);
        if (v == null) {
            throw new IllegalStateException("member reported no " + k + ": " + m);
        }
        return Double.parseDouble(v);
    }
}
