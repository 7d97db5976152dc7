package io.vsync.tools.perf;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code perf latency}: n = 3; one non-leader member multicasts at a fixed rate, timed until its
 * own delivery ({@code self}) and until a remote member's p2p answer ({@code ack});
 * {@code RESULT vsync.latency.<kind> self|ack} (docs/benchmarks.md).
 */
final class LatencyTest {

    private final PerfCommand p;

    LatencyTest(PerfCommand p) {
        this.p = p;
    }

    void run() throws Exception {
        for (String kind : p.kinds("ordered,fifo")) {
            latency(kind);
        }
    }

    private void latency(String kind) throws Exception {
        int n = p.i("n", 3);
        int size = p.i("size", 1000);
        int runs = Integer.parseInt(p.s2("lat-runs", "runs", "3"));
        int count = p.i("count", 20_000);
        int warm = Integer.parseInt(p.s2("lat-warmup", "warmup", "10000"));
        int rate = p.i("rate", 2_000);
        long burst = Long.parseLong(p.s2("lat-burst", "burst", "0"));
        String name = "vsync.latency." + kind + p.securitySuffix();
        for (int run = 1; run <= runs; run++) {
            String tag = "latency-" + kind + "-r" + run;
            List<MemberProcess> cl = null;
            try {
                cl = p.startCluster(tag, n, p.i("heap-mb", 1024), p.loadTestFd());
                String leader = cl.get(0).lastView()[4];
                int sender = -1;
                int acker = -1;
                for (int k = 0; k < n; k++) {
                    if (!("m" + k).equals(leader)) {
                        sender = k;
                        break;
                    }
                }
                for (int k = n - 1; k >= 0; k--) {
                    if (k != sender && !("m" + k).equals(leader)) {
                        acker = k;
                        break;
                    }
                }
                if (acker < 0) {
                    acker = sender == n - 1 ? n - 2 : n - 1;
                }
                if (burst > 0) {
                    // JIT warm-up of the whole stack, as the JGroups harness's burst=N does: a
                    // flat-out throughput round of the same kind, every member sending
                    new ThroughputTest(p).round(cl, 0, burst, size, kind);
                    Thread.sleep(500);
                }
                int total = count + warm;
                for (MemberProcess c : cl) {
                    c.cmd("LAT_PREP " + sender + " " + acker + " " + total + " " + warm);
                }
                for (MemberProcess c : cl) {
                    c.await("@LATREADY", 10_000);
                }
                cl.get(sender).cmd("LAT_GO " + rate + " " + size + " " + kind);
                long to = 60_000L + 1000L * total / rate;
                cl.get(sender).await("@WARMED", to);
                long cpu0 = PerfCommand.clusterCpuNs(cl);
                Map<String, long[]> threads0 = PerfCommand.clusterThreadCpu(cl);
                Map<String, String> snt = PerfCommand.kv(cl.get(sender).await("@LATSENT", to));
                Map<String, String> d = PerfCommand.kv(cl.get(sender).await("@LATDONE", to));
                for (MemberProcess c : cl) {
                    c.await("@LATRECV", to);
                }
                // CPU of the three members per measured message at this rate (from the end of the warm-up)
                double cpuPerMsg = (PerfCommand.clusterCpuNs(cl) - cpu0) / 1e3 / count;
                long[] roles = PerfCommand.cpuByRoleBetween(threads0, PerfCommand.clusterThreadCpu(cl));
                StringBuilder split = new StringBuilder();
                for (int i = 0; i < roles.length; i++) {
                    split.append(String.format(" %s=%.1f", PerfMember.ROLES.get(i), roles[i] / 1e3 / count));
                }
                p.say("run " + run + " CPU us per measured message, all members, by thread:" + split);
                for (String variant : List.of("self", "ack")) {
                    Map<String, Object> f = new LinkedHashMap<>();
                    f.put("n", n);
                    f.put("msg", size);
                    for (String k : List.of("p50_us", "p99_us", "p999_us", "p90_us", "max_us", "mean_us")) {
                        if (d.containsKey(variant + "_" + k)) {
                            f.put(k, Double.parseDouble(d.get(variant + "_" + k)));
                        }
                    }
                    f.put("rate", rate);
                    f.put("count", count);
                    f.put("warmup", warm);
                    if (burst > 0) {
                        f.put("burst", burst);
                    }
                    f.put("run", run);
                    f.put("sender", "m" + sender + (("m" + sender).equals(leader) ? "(leader)" : "(non-leader)"));
                    f.put("acker", "m" + acker);
                    f.put("achieved_rate", Double.parseDouble(snt.get("achieved_rate")));
                    f.put("cpu_us_per_msg", cpuPerMsg);
                    p.result(name + " " + variant, f);
                }
                p.reportWarnings(cl);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                p.failed(name, run, e, cl);
            } finally {
                if (cl != null) {
                    p.stopCluster(cl);
                }
            }
        }
        for (String variant : List.of("self", "ack")) {
            p.median(name + " " + variant, "n=" + n + " msg=" + size + " rate=" + rate + " count=" + count
                    + " warmup=" + warm + (burst > 0 ? " burst=" + burst : ""),
                    "p50_us", "p99_us", "p999_us", "cpu_us_per_msg");
        }
    }
}
