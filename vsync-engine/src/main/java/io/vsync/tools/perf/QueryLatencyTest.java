package io.vsync.tools.perf;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code perf query}: n = 3; one non-leader member asks {@code query(Quorum.ALL, request)} at a
 * fixed rate with a small request; every member's handler answers from its local state. Timed
 * from the call to the complete result (every member's reply), on the asker's clock only:
 * {@code RESULT vsync.latency.query n=3 quorum=all p50_us= p99_us= p999_us= ...}.
 *
 * <p>Options as for latency ({@code --runs/--lat-runs, --count, --rate, --warmup/--lat-warmup}),
 * each overridable for this test alone with a {@code --q-} prefix; {@code --q-size 64} (request
 * bytes), {@code --q-timeout-ms 10000} (a query that times out counts as {@code incomplete}).
 */
final class QueryLatencyTest {
    static final String NAME = "vsync.latency.query";

    private final PerfCommand p;

    QueryLatencyTest(PerfCommand p) {
        this.p = p;
    }

    void run() throws Exception {
        int n = p.i("n", 3);
        int runs = Integer.parseInt(p.first("3", "q-runs", "lat-runs", "runs"));
        int count = Integer.parseInt(p.first("20000", "q-count", "count"));
        int warm = Integer.parseInt(p.first("10000", "q-warmup", "lat-warmup", "warmup"));
        int rate = Integer.parseInt(p.first("2000", "q-rate", "rate"));
        int size = Integer.parseInt(p.first("64", "q-size"));
        long timeoutMs = Long.parseLong(p.first("10000", "q-timeout-ms"));
        for (int run = 1; run <= runs; run++) {
            List<MemberProcess> cl = null;
            try {
                cl = p.startCluster("query-r" + run, n, p.i("heap-mb", 1024), p.loadTestFd());
                int asker = PerfCommand.firstNonLeader(cl);
                for (MemberProcess c : cl) {
                    c.cmd("QRY_PREP");
                }
                for (MemberProcess c : cl) {
                    c.await("@QRYREADY", 10_000);
                }
                int total = count + warm;
                cl.get(asker).cmd("QRY_GO " + total + " " + warm + " " + rate + " " + size + " " + timeoutMs);
                long to = 60_000L + timeoutMs + 1000L * total / rate;
                cl.get(asker).await("@WARMED", to);
                long cpu0 = PerfCommand.clusterCpuNs(cl);
                Map<String, String> sent = PerfCommand.kv(cl.get(asker).await("@QRYSENT", to));
                Map<String, String> d = PerfCommand.kv(cl.get(asker).await("@QRYDONE", to));
                // CPU of the three members per measured query (request, three answers, three replies)
                double cpuPerQuery = (PerfCommand.clusterCpuNs(cl) - cpu0) / 1e3 / count;
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("n", n);
                f.put("quorum", "all");
                for (String k : List.of("p50_us", "p99_us", "p999_us", "p90_us", "max_us", "mean_us")) {
                    if (d.containsKey("q_" + k)) {
                        f.put(k, Double.parseDouble(d.get("q_" + k)));
                    }
                }
                f.put("request", size);
                f.put("rate", rate);
                f.put("count", count);
                f.put("warmup", warm);
                f.put("run", run);
                f.put("asker", "m" + asker + "(non-leader)");
                f.put("achieved_rate", Double.parseDouble(sent.get("achieved_rate")));
                f.put("cpu_us_per_query", cpuPerQuery);
                // every query complete with n OK replies to it, all computed at one point of the order
                f.put("incomplete", Integer.parseInt(d.get("incomplete")));
                f.put("wrong_replies", Integer.parseInt(d.get("wrong_replies")));
                f.put("same_state", d.get("same_state"));
                p.result(NAME, f);
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
        p.median(NAME, "n=" + n + " quorum=all request=" + size + " rate=" + rate + " count=" + count,
                "p50_us", "p99_us", "p999_us", "cpu_us_per_query");
    }
}
