package io.vsync.tools.perf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code perf compare}: runs the JGroups harness ({@code ../shared/bench/jgroups}) test by test
 * after ours, from a private copy, and prints the side-by-side {@code COMPARE} lines of the
 * targets of issue 2. The harness has no equivalent of safe, causal, query or flush: those
 * tests are not compared.
 */
final class JGroupsCompare {

    private final PerfCommand p;
    private final Map<String, String> jgEnv = new LinkedHashMap<>();
    /** The harness's MEDIAN lines, by test key. */
    private final Map<String, String> jg = new LinkedHashMap<>();
    private final Map<String, List<Double>> jgCpu = new LinkedHashMap<>();
    private Path jgScript;

    JGroupsCompare(PerfCommand p) {
        this.p = p;
    }

    /** Copies the JGroups harness to a private folder and sets its knobs from our options. */
    boolean prepare() throws IOException {
        Path src = Path.of(p.s("jgroups", Path.of(System.getProperty("vsync.home", "."), "..", "shared", "bench",
                "jgroups").toString())).toAbsolutePath().normalize();
        if (!Files.isRegularFile(src.resolve("run.sh"))) {
            p.say("JGroups harness not found at " + src + " (use --jgroups DIR)");
            return false;
        }
        // Run a copy (times kept, so that its build stays up to date between runs): the shared
        // folder stays untouched, whether or not it is writable.
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "vsync-perf-jgroups");
        for (String part : List.of("src", "stacks", "pom.xml", "run.sh")) {
            copyTree(src.resolve(part), dir.resolve(part));
        }
        jgScript = dir.resolve("run.sh");
        p.say("JGroups harness " + src + " copied to " + dir);
        Map<String, String> env = jgEnv;
        env.put("RUNS", p.s2("lat-runs", "runs", "3"));
        env.put("TP_RUNS", p.s2("tp-runs", "runs", "5"));
        env.put("NB_RUNS", p.s("nb-runs", "2"));
        env.put("MSGS", p.s("msgs", "100000"));
        env.put("TP_WARMUP", p.s2("tp-warmup", "warmup", "500000"));
        env.put("SIZE", p.s("size", "1000"));
        env.put("COUNT", p.s("count", "20000"));
        env.put("RATE", p.s("rate", "2000"));
        env.put("LAT_WARMUP", p.s2("lat-warmup", "warmup", "10000"));
        env.put("FD_TIMEOUT", p.s("timeout-ms", "1000"));
        env.put("FD_INTERVAL", p.s("interval-ms", "250"));
        return true;
    }

    /** Runs one test of the JGroups harness, echoing its lines and keeping its MEDIAN lines. */
    void run(String what) throws Exception {
        Map<String, String> env = new java.util.LinkedHashMap<>(jgEnv);
        String burst = p.s2("lat-burst", "burst", "0");
        if (what.equals("latency") && !burst.equals("0")) {
            env.put("EXTRA", "burst=" + burst); // the same JIT warm-up round as ours before each latency run
        }
        Path script = jgScript;
        p.say("JGroups harness: " + env + " " + script + " " + what + "; load " + PerfCommand.loadAverage());
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), what).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process proc = pb.start();
        CpuSampler sampler = new CpuSampler(proc.toHandle(), "bench.Member");
        sampler.start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                p.print("  jgroups| " + line);
                if (line.startsWith("MEDIAN ")) {
                    String[] t = line.split("\\s+");
                    jg.putIfAbsent(t[1], line);
                }
                if (line.startsWith("RESULT jgroups.throughput.")) {
                    // the run's members have reported; their CPU over their whole life so far
                    Map<String, String> f = PerfCommand.kv(line);
                    long per = Long.parseLong(f.get("msgs")) + Long.parseLong(p.s2("tp-warmup", "warmup", "500000"));
                    double cpu = sampler.takeNanos();
                    String key = line.split("\\s+")[1];
                    jgCpu.computeIfAbsent(key, k -> new ArrayList<>()).add(cpu / 1e3 / per);
                    p.print(String.format("  jgroups| # members' CPU over their life: %.1f s = %.1f us per message",
                            cpu / 1e9, cpu / 1e3 / per));
                } else if (line.startsWith("RESULT ")) {
                    sampler.takeNanos();
                }
            }
        }
        sampler.stop();
        if (proc.waitFor() != 0) {
            p.say("JGroups harness '" + what + "' exited with " + proc.exitValue());
        }
    }

    void finish() {
        for (String line : jg.values()) {
            p.print(line);
        }
        p.print("# ---- side by side (medians; same session, tests interleaved) ----");
        for (Map.Entry<String, List<Double>> e : jgCpu.entrySet()) {
            p.print(String.format("MEDIAN %s.cpu cpu_us_per_msg_life=%.1f (members' whole-life CPU / (warm-up + measured msgs))",
                    e.getKey(), PerfCommand.medianOf(e.getValue())));
        }
        int timeout = p.i("timeout-ms", 1000);
        double vOrd = p.medianMetric("vsync.throughput.ordered", "msgs_per_s");
        double jSeq = jgMetric(jg, "jgroups.throughput.seq", "msgs_per_s");
        double vFifo = p.medianMetric("vsync.throughput.fifo", "msgs_per_s");
        double jFifo = jgMetric(jg, "jgroups.throughput.fifo", "msgs_per_s");
        double vP99 = p.medianMetric("vsync.latency.ordered self", "p99_us");
        double jP99 = jgMetric(jg, "jgroups.latency.seq", "self_p99_us");
        double jP99nb = jgMetric(jg, "jgroups.latency.seq.nobundler", "self_p99_us");
        double vP50 = p.medianMetric("vsync.latency.ordered self", "p50_us");
        double jP50 = jgMetric(jg, "jgroups.latency.seq", "self_p50_us");
        double vKill = p.medianMetric("vsync.viewchange.kill", "ms_to_view_all");
        double jKill = jgMetric(jg, "jgroups.viewchange.fdsock2", "ms_to_view_all");
        double jHb = jgMetric(jg, "jgroups.viewchange.fdall3", "ms_to_view_all");
        double vStop = p.medianMetric("vsync.viewchange.stop", "ms_to_view_all");
        row("throughput ordered vs SEQUENCER (msgs/s)", vOrd, jSeq, vOrd / jSeq, ">= 1.5", vOrd / jSeq >= 1.5);
        row("throughput fifo vs fifo stack (msgs/s)", vFifo, jFifo, vFifo / jFifo, "(none)", null);
        double vCpu = p.medianMetric("vsync.throughput.ordered", "cpu_us_per_msg_life");
        double jCpu = PerfCommand.medianOf(jgCpu.getOrDefault("jgroups.throughput.seq", List.of()));
        row("CPU per ordered msg, members' life (us)", vCpu, jCpu, vCpu / jCpu, "(info)", null);
        double vCpuF = p.medianMetric("vsync.throughput.fifo", "cpu_us_per_msg_life");
        double jCpuF = PerfCommand.medianOf(jgCpu.getOrDefault("jgroups.throughput.fifo", List.of()));
        row("CPU per fifo msg, members' life (us)", vCpuF, jCpuF, vCpuF / jCpuF, "(info)", null);
        row("latency ordered self p99 (us)", vP99, jP99, vP99 / jP99, "<= 0.5", vP99 / jP99 <= 0.5);
        row("latency ordered self p99 vs no-bundler (us)", vP99, jP99nb, vP99 / jP99nb, "(info)", null);
        row("latency ordered self p50 (us)", vP50, jP50, vP50 / jP50, "(info)", null);
        row("view change kill -9 vs FD_SOCK2 (ms)", vKill, jKill, vKill / jKill, "<= 0.5", vKill / jKill <= 0.5);
        row("view change SIGSTOP vs FD_ALL3 (ms)", vStop, jHb, vStop / jHb, "<= " + (timeout + 50) + " ms",
                vStop <= timeout + 50);
        p.say("load " + PerfCommand.loadAverage());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (java.util.stream.Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.createDirectories(t.getParent());
                    Files.copy(p, t, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                            java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                    t.toFile().setWritable(true, true);
                }
            }
        }
    }

    private void row(String what, double ours, double theirs, double ratio, String target, Boolean met) {
        if (Double.isNaN(ours) || Double.isNaN(theirs)) {
            met = null; // a side did not run or every run failed
        }
        p.print(String.format("COMPARE %-46s vsync=%-10.1f jgroups=%-10.1f ratio=%-6.2f target %-12s %s", what.replace(' ', '_'),
                ours, theirs, ratio, target, met == null ? "" : met ? "MET" : "MISSED"));
    }

    private static double jgMetric(Map<String, String> jg, String key, String metric) {
        String line = jg.get(key);
        if (line == null) {
            return Double.NaN;
        }
        for (String t : line.split("\\s+")) {
            if (t.startsWith(metric + "=")) {
                String v = t.substring(metric.length() + 1);
                int b = v.indexOf('[');
                return Double.parseDouble(b > 0 ? v.substring(0, b) : v);
            }
        }
        return Double.NaN;
    }
}
