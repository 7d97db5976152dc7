package io.vsync.tools.perf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code perf throughput}: n = 3 members all multicasting as fast as flow control lets them,
 * per kind ({@code --kinds}); {@code RESULT vsync.throughput.<kind>} (docs/benchmarks.md).
 */
final class ThroughputTest {

    private final PerfCommand p;
    /** Sum of the members' process CPU at the end of the last round, ns. */
    private long lifeCpuNs;

    ThroughputTest(PerfCommand p) {
        this.p = p;
    }

    void run() throws Exception {
        for (String kind : p.kinds("ordered,fifo")) {
            throughput(kind);
        }
    }

    private void throughput(String kind) throws Exception {
        int n = p.i("n", 3);
        int size = p.i("size", 1000);
        int runs = Integer.parseInt(p.s2("tp-runs", "runs", "5"));
        long msgs = p.l("msgs", 100_000);
        long warm = Long.parseLong(p.s2("tp-warmup", "warmup", "500000"));
        // --security both: plain and secret runs alternate, so a slower minute of a shared
        // machine weighs on both sides of the cost the same
        List<Boolean> modes = p.securityBoth() ? List.of(false, true) : List.of(p.securitySuffix().length() > 0);
        for (int run = 1; run <= runs; run++) {
            double[] rate = new double[2];
            for (boolean secure : modes) {
                p.useSecurity(secure);
                rate[secure ? 1 : 0] = oneRun(kind, run, n, size, msgs, warm);
            }
            if (modes.size() == 2 && rate[0] > 0 && rate[1] > 0) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("run", run);
                f.put("plain_msgs_per_s", rate[0]);
                f.put("secret_msgs_per_s", rate[1]);
                f.put("cost_pct", 100 * (1 - rate[1] / rate[0]));
                p.result("vsync.security.cost." + kind, f);
            }
        }
        for (boolean secure : modes) {
            p.useSecurity(secure);
            p.median("vsync.throughput." + kind + p.securitySuffix(), "n=" + n + " msg=" + size + " msgs=" + msgs
                    + " warmup=" + warm, "msgs_per_s", "mb_per_s", "elapsed_ms", "send_ms_max", "cpu_us_per_msg",
                    "cpu_cores", "cpu_us_per_msg_life");
        }
        if (modes.size() == 2) { // cost_pct = 1 - secret/plain msgs_per_s of each pair
            p.median("vsync.security.cost." + kind, "n=" + n + " msg=" + size + " msgs=" + msgs + " warmup=" + warm,
                    "cost_pct", "plain_msgs_per_s", "secret_msgs_per_s");
        }
    }

    /** One run: a fresh cluster, the warm-up, then the measured round; its msgs/s, or 0 when it failed. */
    private double oneRun(String kind, int run, int n, int size, long msgs, long warm) throws Exception {
        String name = "vsync.throughput." + kind + p.securitySuffix();
        String tag = "throughput-" + kind + p.securitySuffix().replace('.', '-') + "-r" + run;
        List<MemberProcess> cl = null;
        try {
            cl = p.startCluster(tag, n, p.i("heap-mb", 1024), p.loadTestFd());
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("n", n);
            f.put("msg", size);
            long warmed = warm > 0 ? warmUp(cl, warm, size, kind) : 0;
            Map<String, Object> r = round(cl, 1, msgs, size, kind);
            if (p.flag("stats")) { // the members' group and engine counters after the measured round
                for (int k = 0; k < cl.size(); k++) {
                    cl.get(k).cmd("STATS");
                    p.say("m" + k + " " + cl.get(k).await("@STATS", 10_000));
                }
            }
            // whole-life CPU of the members (start-up, JIT, warm-up and measured round) per message:
            // the figure `perf compare` also takes for the JGroups members from outside
            r.put("cpu_us_per_msg_life", lifeCpuNs / 1e3 / (warmed + msgs));
            double rate = (Double) r.get("msgs_per_s");
            f.put("msgs_per_s", r.remove("msgs_per_s"));
            f.put("mb_per_s", r.remove("mb_per_s"));
            if (PerfCommand.totalOrder(kind)) {
                f.put("order_match", r.get("order_match"));
            } else {
                f.put("fifo_ok", r.get("fifo_ok"));
            }
            f.put("msgs", msgs);
            f.put("warmup", warmed);
            f.put("run", run);
            r.remove("jit_us_per_msg");
            f.putAll(r);
            p.result(name, f);
            p.reportWarnings(cl);
            return rate;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            p.failed(name, run, e, cl);
            return 0;
        } finally {
            if (cl != null) {
                p.stopCluster(cl);
            }
        }
    }

    /**
     * The warm-up round; then, with {@code --settle K}, up to K more rounds of a fifth of it while
     * the members' JIT compilers still used more than {@value #SETTLED_JIT_US} µs of CPU per
     * message in the last one. On 2 cores the compiler threads queue behind the members' own
     * threads, so a fixed warm-up can end with hot methods still waiting for C2 (seen: 6 s in
     * the queue), and the measured round then runs partly in profiling code.
     *
     * @return the messages multicast before the measured round
     */
    private long warmUp(List<MemberProcess> cl, long warm, int size, String kind) throws Exception {
        Map<String, Object> r = round(cl, 0, warm, size, kind);
        Thread.sleep(500);
        long sent = warm;
        int settle = p.i("settle", 0);
        long more = Math.max(1, warm / 5);
        for (int k = 1; k <= settle && (Double) r.get("jit_us_per_msg") > SETTLED_JIT_US; k++) {
            r = round(cl, 0, more, size, kind);
            sent += more;
            p.say(String.format("settling round %d: %d msgs, JIT %.2f us CPU per message", k, more,
                    (Double) r.get("jit_us_per_msg")));
            Thread.sleep(500);
        }
        return sent;
    }

    /** JIT CPU per message (all members) under which the warm-up counts as settled. */
    static final double SETTLED_JIT_US = 0.5;

    Map<String, Object> round(List<MemberProcess> cl, int round, long total, int size, String kind)
            throws Exception {
        return round(cl, round, total, size, kind, false);
    }

    /** A throughput round; with {@code flush}, each member calls {@code flush().get()} after every send. */
    Map<String, Object> round(List<MemberProcess> cl, int round, long total, int size, String kind, boolean flush)
            throws Exception {
        int n = cl.size();
        int[] viewsAtStart = PerfCommand.viewCounts(cl);
        for (MemberProcess c : cl) {
            c.cmd("TP_PREP " + round + " " + total + " " + kind);
        }
        List<Map<String, String>> ready = new ArrayList<>();
        for (MemberProcess c : cl) {
            ready.add(PerfCommand.kv(c.await("@TPREADY", 10_000)));
        }
        for (int k = 0; k < n; k++) {
            long mine = total / n + (k < total % n ? 1 : 0);
            cl.get(k).cmd("TP_GO " + round + " " + mine + " " + size + " " + kind + " " + p.i("outstanding", 0)
                    + (flush ? " flush" : ""));
        }
        List<Map<String, String>> sent = p.awaitAll(cl, "@TPSENT", viewsAtStart, 300_000);
        List<Map<String, String>> done = p.awaitAll(cl, "@TPDONE", viewsAtStart, 300_000);
        long start = Long.MAX_VALUE;
        long end = 0;
        long sendEnd = 0;
        String hash0 = done.get(0).get("hash");
        boolean orderMatch = true;
        boolean fifo = true;
        long stray = 0;
        for (int k = 0; k < n; k++) {
            Map<String, String> d = done.get(k);
            start = Math.min(start, Long.parseLong(d.get("first_send_us")));
            end = Math.max(end, Long.parseLong(d.get("last_deliv_us")));
            sendEnd = Math.max(sendEnd, Long.parseLong(sent.get(k).get("send_done_us")));
            orderMatch &= hash0.equals(d.get("hash"));
            fifo &= Boolean.parseBoolean(d.get("fifo_ok"));
            stray += Long.parseLong(d.get("stray"));
            if (Long.parseLong(d.get("delivered")) != total) {
                throw new IllegalStateException("delivery count mismatch " + d);
            }
        }
        long cpuNs = 0;
        long gcMs = 0;
        lifeCpuNs = 0;
        for (int k = 0; k < n; k++) {
            lifeCpuNs += Long.parseLong(done.get(k).get("cpu_ns"));
            cpuNs += Long.parseLong(done.get(k).get("cpu_ns")) - Long.parseLong(ready.get(k).get("cpu_ns"));
            gcMs = Math.max(gcMs, Long.parseLong(done.get(k).get("gc_ms")) - Long.parseLong(ready.get(k).get("gc_ms")));
        }
        // CPU per message by thread role, summed over the members ("vm": the rest of the process)
        StringBuilder roles = new StringBuilder();
        long jitNs = 0;
        for (String role : List.of("sender", "protocol", "io", "deliver", "jit", "gc", "vm", "other")) {
            long ns = 0;
            for (int k = 0; k < n; k++) {
                ns += Long.parseLong(done.get(k).get("thr_" + role)) - Long.parseLong(ready.get(k).get("thr_" + role));
            }
            roles.append(String.format(" %s=%.1f", role, ns / 1e3 / total));
            if (role.equals("jit")) {
                jitNs = ns;
            }
        }
        p.say(String.format("round %d CPU us per message, all members, by thread:%s", round, roles));
        double secs = (end - start) / 1e6;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("msgs_per_s", total / secs);
        r.put("mb_per_s", total * (double) size / secs / 1e6);
        r.put("order_match", orderMatch);
        r.put("fifo_ok", fifo);
        r.put("elapsed_ms", (end - start) / 1e3);
        r.put("send_ms_max", (sendEnd - start) / 1e3);
        // CPU of all member processes (every thread, GC included) per message multicast, and the
        // cluster's CPU use over the round in cores: tells engine cost apart from a busy machine
        r.put("cpu_us_per_msg", cpuNs / 1e3 / total);
        r.put("cpu_cores", cpuNs / 1e3 / (end - start));
        r.put("gc_ms_max", (double) gcMs);
        r.put("jit_us_per_msg", jitNs / 1e3 / total);
        if (stray > 0) {
            r.put("stray", stray);
        }
        String vc = PerfCommand.viewChanges(cl, viewsAtStart);
        if (vc != null) {
            r.put("view_changes", vc.split(" ").length);
            p.say("view change(s) during round " + round + ": " + vc);
        }
        if (round == 0) {
            p.say(String.format("warm-up round: %d msgs in %.0f ms (%.0f msgs/s, %.1f us CPU/msg, %.2f cores)", total,
                    (end - start) / 1e3, total / secs, cpuNs / 1e3 / total, cpuNs / 1e3 / (end - start)));
        }
        return r;
    }
}
