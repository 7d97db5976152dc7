package io.vsync.tools.perf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/vsync perf}: benchmarks with member processes on 127.0.0.1, in the same shapes and
 * with the same measurement definitions as the JGroups harness in {@code ../shared/bench/jgroups}
 * (see docs/benchmarks.md).
 *
 * <pre>
 *   perf throughput [--runs 5] [--msgs 100000] [--warmup 500000] [--size 1000] [--kinds ordered,fifo]
 *   perf latency    [--runs 3] [--count 20000] [--rate 2000] [--warmup 10000] [--size 1000] [--kinds ordered,fifo]
 *                   (--kinds: any of fifo, causal, ordered, safe; throughput too)
 *   perf query      [--runs 3] [--count 20000] [--rate 2000] [--warmup 10000] [--q-size 64] [--q-timeout-ms 10000]
 *   perf flush      [--runs 3] [--count 20000] [--rate 2000] [--warmup 10000] [--size 1000]
 *                   [--fl-msgs 30000] [--fl-tp-warmup 100000] [--fl-kind fifo]
 *   perf viewchange [--runs 3] [--timeout-ms 1000] [--interval-ms 250] [--settle-ms 3000] [--faults kill,stop]
 *   (throughput and latency: [--fd-timeout-ms 10000] [--fd-interval-ms 100], the failure detection of their clusters)
 *   perf all        (all of the above, with their options; --tp-/--lat-/--q-/--fl-/--vc-runs, --tp-/--lat-/--q-/--fl-warmup)
 *   perf compare    (each of ours, then the same of the JGroups harness, interleaved; side by side)
 *                   [--tests throughput,latency,viewchange]
 * common: [--start together|sequential] [--stop sequential|together] [--codec raw|cbor] [--outstanding 0] [--window BYTES]
 *         [--heap-mb 1024] [--jvm-opts "-XX:+UseG1GC"] [--logs DIR] [--base-port 27800] [--dump] [--jfr]
 *         [--jgroups DIR] (compare only)
 * </pre>
 *
 * Output: one {@code RESULT} line per run, one {@code MEDIAN key=median[min..max]} line per
 * test; the same lines go to {@code <logs>/results.txt}, each member's output to its own log.
 */
public final class PerfCommand {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Map<String, String> opt;
    private final PrintStream out;
    private final Path logDir;
    private final PrintWriter results;
    /** Metrics of every RESULT line, by test key (e.g. "vsync.latency.ordered self"). */
    private final Map<String, List<Map<String, Double>>> metrics = new LinkedHashMap<>();
    private final Map<String, String> medians = new LinkedHashMap<>();
    private int clusterSeq;
    /** Sum of the members' process CPU at the end of the last throughput round, ns. */
    private long lifeCpuNs;

    private PerfCommand(Map<String, String> opt, PrintStream out) throws IOException {
        this.opt = opt;
        this.out = out;
        String home = System.getProperty("vsync.home", ".");
        this.logDir = Path.of(opt.getOrDefault("logs",
                Path.of(home, "logs", "perf-" + LocalDateTime.now().format(STAMP)).toString()));
        Files.createDirectories(logDir);
        this.results = new PrintWriter(Files.newBufferedWriter(logDir.resolve("results.txt"), StandardCharsets.UTF_8), true);
    }

    /** {@code --key value} pairs (and bare {@code --flag}s, as "true"). */
    static Map<String, String> options(List<String> args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || a.length() < 3) {
                throw new IllegalArgumentException("expected --option, got '" + a + "'");
            }
            String key = a.substring(2);
            int eq = key.indexOf('=');
            if (eq > 0) {
                m.put(key.substring(0, eq), key.substring(eq + 1));
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                m.put(key, args.get(++i));
            } else {
                m.put(key, "true");
            }
        }
        return m;
    }

    public static int run(List<String> args, PrintStream out) throws Exception {
        String test = args.isEmpty() ? "all" : args.get(0);
        List<String> rest = args.isEmpty() ? List.of() : args.subList(1, args.size());
        if (test.startsWith("--")) {
            test = "all";
            rest = args;
        }
        if (!List.of("throughput", "latency", "query", "flush", "viewchange", "all", "compare").contains(test)) {
            throw new IllegalArgumentException("unknown perf test '" + test
                    + "' (want throughput, latency, query, flush, viewchange, all or compare)");
        }
        PerfCommand p = new PerfCommand(options(rest), out);
        try {
            return p.runTest(test);
        } finally {
            for (MemberProcess m : MemberProcess.LIVE) {
                m.destroy();
            }
            p.results.close();
        }
    }

    /** The hidden {@code member} subcommand: one benchmark member (started by this driver). */
    public static int member(List<String> args) throws Exception {
        return PerfMember.run(args);
    }

    private int runTest(String test) throws Exception {
        long t0 = System.nanoTime();
        say(System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + "; "
                + Runtime.getRuntime().availableProcessors() + " cores; load " + loadAverage() + "; logs in " + logDir);
        switch (test) {
            case "throughput" -> throughputAll();
            case "latency" -> latencyAll();
            case "query" -> new QueryLatencyTest(this).run();
            case "flush" -> new FlushTest(this).run();
            case "viewchange" -> viewchangeAll();
            case "all" -> {
                throughputAll();
                latencyAll();
                new QueryLatencyTest(this).run();
                new FlushTest(this).run();
                viewchangeAll();
            }
            case "compare" -> { // interleaved, so that a change of the machine's load hits both alike
                if (!prepareJGroups()) {
                    return 1;
                }
                List<String> tests = Arrays.asList(s("tests", "throughput,latency,viewchange").split(","));
                if (tests.contains("throughput")) {
                    throughputAll();
                    runJGroups("throughput");
                }
                if (tests.contains("latency")) {
                    latencyAll();
                    runJGroups("latency");
                }
                if (tests.contains("viewchange")) {
                    viewchangeAll();
                    runJGroups("viewchange");
                }
            }
            default -> throw new IllegalStateException(test);
        }
        say("vsync " + test + " done in " + (System.nanoTime() - t0) / 1_000_000_000 + " s; load " + loadAverage());
        print("# medians (min..max in brackets)");
        for (String line : medians.values()) {
            print(line);
        }
        if (test.equals("compare")) {
            finishCompare();
        }
        return 0;
    }

    // =====================================================================================
    // output

    void say(String m) {
        print("# " + m);
    }

    synchronized void print(String line) {
        out.println(line);
        out.flush();
        results.println(line);
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** Prints a RESULT line: {@code RESULT <key> [fixed] k=v ...}; doubles become metrics for the MEDIAN. */
    void result(String key, Map<String, Object> fields) {
        StringBuilder sb = new StringBuilder("RESULT ").append(key);
        Map<String, Double> nums = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            Object v = e.getValue();
            String txt = v instanceof Double d ? String.format("%.1f", d) : String.valueOf(v);
            sb.append(' ').append(e.getKey()).append('=').append(txt);
            if (v instanceof Double d) {
                nums.put(e.getKey(), d);
            }
        }
        sb.append(" load1=").append(loadAverage().split(" ")[0]);
        metrics.computeIfAbsent(key, k -> new ArrayList<>()).add(nums);
        print(sb.toString());
    }

    void median(String key, String fixed, String... keys) {
        List<Map<String, Double>> runs = metrics.getOrDefault(key, List.of());
        StringBuilder sb = new StringBuilder("MEDIAN ").append(key).append(' ').append(fixed).append(" runs=")
                .append(runs.size());
        int failed = metrics.getOrDefault(key.split(" ")[0] + ".failed", List.of()).size();
        if (failed > 0) {
            sb.append(" failed=").append(failed);
        }
        for (String k : keys) {
            List<Double> v = new ArrayList<>();
            for (Map<String, Double> m : runs) {
                if (m.containsKey(k)) {
                    v.add(m.get(k));
                }
            }
            if (v.isEmpty()) {
                continue;
            }
            Collections.sort(v);
            int z = v.size();
            double med = z % 2 == 1 ? v.get(z / 2) : (v.get(z / 2 - 1) + v.get(z / 2)) / 2;
            sb.append(String.format(" %s=%.1f[%.1f..%.1f]", k, med, v.get(0), v.get(z - 1)));
        }
        medians.put(key, sb.toString());
        print(sb.toString());
    }

    static double medianOf(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        int z = s.size();
        return z == 0 ? Double.NaN : z % 2 == 1 ? s.get(z / 2) : (s.get(z / 2 - 1) + s.get(z / 2)) / 2;
    }

    private double medianMetric(String key, String metric) {
        List<Double> v = new ArrayList<>();
        for (Map<String, Double> m : metrics.getOrDefault(key, List.of())) {
            if (m.containsKey(metric)) {
                v.add(m.get(metric));
            }
        }
        return medianOf(v);
    }

    // =====================================================================================
    // options

    String s(String k, String d) {
        return opt.getOrDefault(k, d);
    }

    int i(String k, int d) {
        return Integer.parseInt(s(k, "" + d));
    }

    long l(String k, long d) {
        return Long.parseLong(s(k, "" + d));
    }

    /** The test-specific option (e.g. --tp-warmup), else the general one (--warmup), else the default. */
    String s2(String specific, String general, String d) {
        return opt.getOrDefault(specific, opt.getOrDefault(general, d));
    }

    boolean flag(String k) {
        return Boolean.parseBoolean(s(k, "false"));
    }

    /** The value of the first of {@code keys} given, else {@code def} (e.g. --q-warmup, --lat-warmup, --warmup). */
    String first(String def, String... keys) {
        for (String k : keys) {
            if (opt.containsKey(k)) {
                return opt.get(k);
            }
        }
        return def;
    }

    static final List<String> KINDS = List.of("fifo", "causal", "ordered", "safe");

    /** --kinds: multicast primitives by test name (fifo send, causalSend, orderedSend, safeSend). */
    List<String> kinds(String def) {
        List<String> k = Arrays.asList(s("kinds", def).split(","));
        for (String x : k) {
            if (!KINDS.contains(x)) {
                throw new IllegalArgumentException("--kinds: unknown kind '" + x + "' (want some of " + KINDS + ")");
            }
        }
        return k;
    }

    /** Total-order kinds: all members must deliver one sequence (order_match). */
    static boolean totalOrder(String kind) {
        return kind.equals("ordered") || kind.equals("safe");
    }

    /** The first member that is not the leader of the cluster's view (the harness's sender choice). */
    static int firstNonLeader(List<MemberProcess> cl) {
        String leader = cl.get(0).lastView()[4];
        for (int k = 0; k < cl.size(); k++) {
            if (!("m" + k).equals(leader)) {
                return k;
            }
        }
        return 0;
    }

    // =====================================================================================
    // clusters

    static String javaBin() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    static boolean portFree(int port) {
        try (ServerSocket ss = new ServerSocket()) {
            ss.setReuseAddress(false);
            ss.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A fresh range of n ports for each cluster (never reused in one driver run: no TIME_WAIT leftovers). */
    private int pickBase(int n) {
        int first = i("base-port", 27800);
        for (int tries = 0; tries < 200; tries++) {
            int base = first + (clusterSeq++ % 200) * 10;
            boolean ok = true;
            for (int k = 0; k < n && ok; k++) {
                ok = portFree(base + k);
            }
            if (ok) {
                return base;
            }
        }
        throw new IllegalStateException("no free port range found from " + first);
    }

    List<MemberProcess> startCluster(String tag, int n, int heapMb, Map<String, String> memberOpts)
            throws Exception {
        long t0 = System.nanoTime();
        int base = pickBase(n);
        String mode = s("start", "together");
        List<MemberProcess> cl = new ArrayList<>();
        List<String> joins = new ArrayList<>();
        try {
            for (int k = 0; k < n; k++) {
                List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xms" + heapMb + "m", "-Xmx" + heapMb + "m",
                        "-Djava.net.preferIPv4Stack=true",
                        "-Djava.util.logging.SimpleFormatter.format=%1$tT.%1$tL %4$s [%2$s] %5$s%6$s%n"));
                if (flag("dump")) {
                    cmd.add("-Dperf.latdump=" + logDir.resolve(tag + "-m" + k + "-lat.csv"));
                    cmd.add("-Xlog:gc,gc+cpu:file=" + logDir.resolve(tag + "-m" + k + "-gc.log"));
                }
                if (flag("jfr")) {
                    cmd.add("-XX:StartFlightRecording=filename=" + logDir.resolve(tag + "-m" + k + ".jfr")
                            + ",settings=profile,dumponexit=true");
                }
                String extra = s("jvm-opts", "-XX:+UseG1GC");
                if (!extra.isBlank()) {
                    cmd.addAll(Arrays.asList(extra.trim().split("\\s+")));
                }
                cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.vsync.tools.Main", "member",
                        "" + k, "" + n, "" + base));
                Map<String, String> mo = new LinkedHashMap<>(memberOpts);
                mo.put("codec", s("codec", "raw"));
                if (opt.containsKey("window")) {
                    mo.put("window", opt.get("window"));
                }
                for (Map.Entry<String, String> e : mo.entrySet()) {
                    cmd.add("--" + e.getKey());
                    cmd.add(e.getValue());
                }
                MemberProcess m = new MemberProcess(k, cmd, logDir.resolve(tag + "-m" + k + ".log"));
                cl.add(m);
                if (mode.equals("sequential")) { // one at a time: each joins before the next starts
                    joins.add(m.await("@JOINED", 60_000).replaceAll(".*join_ms=(\\d+).*", "$1"));
                }
            }
            for (MemberProcess m : mode.equals("sequential") ? List.<MemberProcess>of() : cl) {
                joins.add(m.await("@JOINED", 60_000).replaceAll(".*join_ms=(\\d+).*", "$1"));
            }
            waitForView(cl, n, 60_000);
            say(tag + ": " + n + " members (" + mode + " start, ports " + base + ".." + (base + n - 1)
                    + ") in one view after " + (System.nanoTime() - t0) / 1_000_000 + " ms; join_ms per member "
                    + joins + "; leader " + cl.get(0).lastView()[4]);
            return cl;
        } catch (Exception e) {
            for (MemberProcess m : cl) {
                m.destroy();
            }
            throw e;
        }
    }

    /** Waits until every member's latest view has size n and all agree on the view id. */
    static void waitForView(List<MemberProcess> cl, int n, long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        do {
            String id = null;
            boolean ok = true;
            for (MemberProcess c : cl) {
                String[] v = c.lastView();
                if (v == null || Integer.parseInt(v[3]) != n || (id != null && !id.equals(v[2]))) {
                    ok = false;
                    break;
                }
                id = v[2];
            }
            if (ok) {
                return;
            }
            Thread.sleep(5);
        } while (System.currentTimeMillis() < end);
        StringBuilder sb = new StringBuilder();
        for (MemberProcess c : cl) {
            sb.append(' ').append(c.name).append('=').append(c.lastView() == null ? "-" : String.join(" ",
                    Arrays.copyOfRange(c.lastView(), 2, c.lastView().length)));
        }
        throw new IllegalStateException("cluster did not form one view of " + n + " members:" + sb);
    }

    /**
     * Members leave one at a time, the last started first (as the JGroups driver does): when
     * every member of a group leaves at once, the last ones wait out the engine's leave timeout
     * (3 x the failure timeout), which only slows the benchmark down; --stop together tries it.
     */
    void stopCluster(List<MemberProcess> cl) throws InterruptedException {
        long t0 = System.nanoTime();
        boolean together = s("stop", "sequential").equals("together");
        List<MemberProcess> order = new ArrayList<>(cl);
        Collections.reverse(order);
        for (MemberProcess m : order) {
            if (m.stopped) {
                m.destroy();
            } else if (m.process.isAlive()) {
                m.cmd("QUIT");
                if (!together) {
                    m.process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
        boolean clean = true;
        for (MemberProcess m : order) {
            if (!m.process.waitFor(10, TimeUnit.SECONDS)) {
                say(m.name + " did not quit within 10 s, killing pid " + m.pid());
                clean = false;
            }
            m.destroy();
        }
        say("stopped " + cl.size() + " members in " + (System.nanoTime() - t0) / 1_000_000 + " ms"
                + (clean ? "" : " (some killed)"));
    }

    /** Engine warnings/errors found in the member logs of one run. */
    void reportWarnings(List<MemberProcess> cl) {
        for (MemberProcess c : cl) {
            try {
                List<String> hits = new ArrayList<>();
                for (String line : Files.readAllLines(c.log, StandardCharsets.UTF_8)) {
                    if (line.matches("^\\S+ (WARNING|SEVERE) .*") || line.contains("Exception")) {
                        hits.add(line);
                    }
                }
                if (!hits.isEmpty()) {
                    say("  log " + c.log + ": " + hits.size() + " warning/error lines, e.g.:");
                    for (String h : hits.subList(0, Math.min(3, hits.size()))) {
                        say("    " + (h.length() > 220 ? h.substring(0, 220) + "..." : h));
                    }
                }
            } catch (IOException e) {
                say("  cannot read " + c.log + ": " + e);
            }
        }
    }

    static Map<String, String> kv(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String t : line.split("\\s+")) {
            int e = t.indexOf('=');
            if (e > 0) {
                m.put(t.substring(0, e), t.substring(e + 1));
            }
        }
        return m;
    }

    /**
     * Failure detection for the throughput and latency clusters: by default the JGroups
     * harness's setting for its tests A and B (FD_ALL3 timeout 10 s), with the engine's default
     * heartbeat interval; {@code --fd-timeout-ms 1000} gives the engine's default timeout.
     */
    Map<String, String> loadTestFd() {
        return Map.of("timeout-ms", s("fd-timeout-ms", "10000"), "interval-ms", s("fd-interval-ms", "100"));
    }

    // =====================================================================================
    // throughput

    private void throughputAll() throws Exception {
        for (String kind : kinds("ordered,fifo")) {
            throughput(kind);
        }
    }

    private void throughput(String kind) throws Exception {
        int n = i("n", 3);
        int size = i("size", 1000);
        int runs = Integer.parseInt(s2("tp-runs", "runs", "5"));
        long msgs = l("msgs", 100_000);
        long warm = Long.parseLong(s2("tp-warmup", "warmup", "500000"));
        String name = "vsync.throughput." + kind;
        for (int run = 1; run <= runs; run++) {
            String tag = "throughput-" + kind + "-r" + run;
            List<MemberProcess> cl = null;
            try {
                cl = startCluster(tag, n, i("heap-mb", 1024), loadTestFd());
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("n", n);
                f.put("msg", size);
                if (warm > 0) {
                    tpRound(cl, 0, warm, size, kind);
                    Thread.sleep(500);
                }
                Map<String, Object> r = tpRound(cl, 1, msgs, size, kind);
                // whole-life CPU of the members (start-up, JIT, warm-up and measured round) per message:
                // the figure `perf compare` also takes for the JGroups members from outside
                r.put("cpu_us_per_msg_life", lifeCpuNs / 1e3 / (warm + msgs));
                f.put("msgs_per_s", r.remove("msgs_per_s"));
                f.put("mb_per_s", r.remove("mb_per_s"));
                if (totalOrder(kind)) {
                    f.put("order_match", r.get("order_match"));
                } else {
                    f.put("fifo_ok", r.get("fifo_ok"));
                }
                f.put("msgs", msgs);
                f.put("warmup", warm);
                f.put("run", run);
                f.putAll(r);
                result(name, f);
                reportWarnings(cl);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                failed(name, run, e, cl);
            } finally {
                if (cl != null) {
                    stopCluster(cl);
                }
            }
        }
        median(name, "n=" + n + " msg=" + size + " msgs=" + msgs + " warmup=" + warm,
                "msgs_per_s", "mb_per_s", "elapsed_ms", "send_ms_max", "cpu_us_per_msg", "cpu_cores", "cpu_us_per_msg_life");
    }

    /** A run that did not complete: a RESULT line {@code <name>.failed}, counted in the MEDIAN line. */
    void failed(String name, int run, Exception e, List<MemberProcess> cl) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("FAILED", "true");
        f.put("run", run);
        String why = String.valueOf(e.getMessage()).replace('"', '\'');
        f.put("reason", "\"" + (e instanceof RoundFailed ? "" : e.getClass().getSimpleName() + ": ") + why + "\"");
        result(name + ".failed", f);
        if (cl != null) {
            reportWarnings(cl);
        }
    }

    /** A round that cannot complete: a view change excluded a member (it rejoins empty-handed). */
    static final class RoundFailed extends Exception {
        RoundFailed(String why) {
            super(why);
        }
    }

    /**
     * The event from every member; fails the round when a view change happened during it and
     * the event is still missing 15 s later (a member that was excluded and rejoined never
     * completes its count).
     */
    List<Map<String, String>> awaitAll(List<MemberProcess> cl, String prefix, int[] viewsAtStart,
                                               long timeoutMs) throws Exception {
        long end = System.currentTimeMillis() + timeoutMs;
        long giveUp = Long.MAX_VALUE;
        List<Map<String, String>> got = new ArrayList<>();
        for (MemberProcess c : cl) {
            String e;
            while ((e = c.poll(prefix, 200)) == null) {
                long now = System.currentTimeMillis();
                if (giveUp == Long.MAX_VALUE && viewChanges(cl, viewsAtStart) != null) {
                    giveUp = now + 15_000;
                    say("view change during the round: " + viewChanges(cl, viewsAtStart));
                }
                if (now > end || now > giveUp) {
                    throw new RoundFailed(c.name + " never reported " + prefix + (giveUp == Long.MAX_VALUE
                            ? " (timeout)" : "; views during the round: " + viewChanges(cl, viewsAtStart)));
                }
            }
            got.add(kv(e));
        }
        return got;
    }

    static int[] viewCounts(List<MemberProcess> cl) {
        int[] v = new int[cl.size()];
        for (int k = 0; k < v.length; k++) {
            v[k] = cl.get(k).views.size();
        }
        return v;
    }

    /** The views installed since {@code before}, per member, or null when none. */
    static String viewChanges(List<MemberProcess> cl, int[] before) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < cl.size(); k++) {
            MemberProcess c = cl.get(k);
            for (int j = before[k]; j < c.views.size(); j++) {
                String[] w = c.views.get(j);
                sb.append(' ').append(c.name).append(":view").append(w[2]).append('=').append(w[5]);
            }
        }
        return sb.length() == 0 ? null : sb.toString().trim();
    }

    Map<String, Object> tpRound(List<MemberProcess> cl, int round, long total, int size, String kind)
            throws Exception {
        return tpRound(cl, round, total, size, kind, false);
    }

    /** A throughput round; with {@code flush}, each member calls {@code flush().get()} after every send. */
    Map<String, Object> tpRound(List<MemberProcess> cl, int round, long total, int size, String kind, boolean flush)
            throws Exception {
        int n = cl.size();
        int[] viewsAtStart = viewCounts(cl);
        for (MemberProcess c : cl) {
            c.cmd("TP_PREP " + round + " " + total + " " + kind);
        }
        List<Map<String, String>> ready = new ArrayList<>();
        for (MemberProcess c : cl) {
            ready.add(kv(c.await("@TPREADY", 10_000)));
        }
        for (int k = 0; k < n; k++) {
            long mine = total / n + (k < total % n ? 1 : 0);
            cl.get(k).cmd("TP_GO " + round + " " + mine + " " + size + " " + kind + " " + i("outstanding", 0)
                    + (flush ? " flush" : ""));
        }
        List<Map<String, String>> sent = awaitAll(cl, "@TPSENT", viewsAtStart, 300_000);
        List<Map<String, String>> done = awaitAll(cl, "@TPDONE", viewsAtStart, 300_000);
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
        // CPU per message by thread role, summed over the members ("vm": GC and other VM threads)
        StringBuilder roles = new StringBuilder();
        for (String role : List.of("sender", "protocol", "io", "deliver", "jit", "vm", "other")) {
            long ns = 0;
            for (int k = 0; k < n; k++) {
                ns += Long.parseLong(done.get(k).get("thr_" + role)) - Long.parseLong(ready.get(k).get("thr_" + role));
            }
            roles.append(String.format(" %s=%.1f", role, ns / 1e3 / total));
        }
        say(String.format("round %d CPU us per message, all members, by thread:%s", round, roles));
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
        if (stray > 0) {
            r.put("stray", stray);
        }
        String vc = viewChanges(cl, viewsAtStart);
        if (vc != null) {
            r.put("view_changes", vc.split(" ").length);
            say("view change(s) during round " + round + ": " + vc);
        }
        if (round == 0) {
            say(String.format("warm-up round: %d msgs in %.0f ms (%.0f msgs/s, %.1f us CPU/msg, %.2f cores)", total,
                    (end - start) / 1e3, total / secs, cpuNs / 1e3 / total, cpuNs / 1e3 / (end - start)));
        }
        return r;
    }

    // =====================================================================================
    // latency

    private void latencyAll() throws Exception {
        for (String kind : kinds("ordered,fifo")) {
            latency(kind);
        }
    }

    private void latency(String kind) throws Exception {
        int n = i("n", 3);
        int size = i("size", 1000);
        int runs = Integer.parseInt(s2("lat-runs", "runs", "3"));
        int count = i("count", 20_000);
        int warm = Integer.parseInt(s2("lat-warmup", "warmup", "10000"));
        int rate = i("rate", 2_000);
        String name = "vsync.latency." + kind;
        for (int run = 1; run <= runs; run++) {
            String tag = "latency-" + kind + "-r" + run;
            List<MemberProcess> cl = null;
            try {
                cl = startCluster(tag, n, i("heap-mb", 1024), loadTestFd());
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
                int total = count + warm;
                for (MemberProcess c : cl) {
                    c.cmd("LAT_PREP " + sender + " " + acker + " " + total + " " + warm);
                }
                for (MemberProcess c : cl) {
                    c.await("@LATREADY", 10_000);
                }
                cl.get(sender).cmd("LAT_GO " + rate + " " + size + " " + kind);
                long to = 60_000L + 1000L * total / rate;
                Map<String, String> snt = kv(cl.get(sender).await("@LATSENT", to));
                Map<String, String> d = kv(cl.get(sender).await("@LATDONE", to));
                for (MemberProcess c : cl) {
                    c.await("@LATRECV", to);
                }
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
                    f.put("run", run);
                    f.put("sender", "m" + sender + (("m" + sender).equals(leader) ? "(leader)" : "(non-leader)"));
                    f.put("acker", "m" + acker);
                    f.put("achieved_rate", Double.parseDouble(snt.get("achieved_rate")));
                    result(name + " " + variant, f);
                }
                reportWarnings(cl);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                failed(name, run, e, cl);
            } finally {
                if (cl != null) {
                    stopCluster(cl);
                }
            }
        }
        for (String variant : List.of("self", "ack")) {
            median(name + " " + variant, "n=" + n + " msg=" + size + " rate=" + rate + " count=" + count,
                    "p50_us", "p99_us", "p999_us");
        }
    }

    // =====================================================================================
    // view change

    private void viewchangeAll() throws Exception {
        for (String fault : Arrays.asList(s("faults", "kill,stop").split(","))) {
            viewchange(fault);
        }
    }

    private void viewchange(String fault) throws Exception {
        int n = i("vc-n", 5);
        int runs = Integer.parseInt(s2("vc-runs", "runs", "3"));
        int timeout = i("timeout-ms", 1000);
        int interval = i("interval-ms", 250);
        String name = "vsync.viewchange." + fault;
        Map<String, String> mo = Map.of("timeout-ms", "" + timeout, "interval-ms", "" + interval);
        for (int run = 1; run <= runs; run++) {
            String tag = "viewchange-" + fault + "-r" + run;
            List<MemberProcess> cl = null;
            try {
                cl = startCluster(tag, n, i("vc-heap-mb", 256), mo);
                Thread.sleep(l("settle-ms", 3000)); // let heartbeats run; the view must stay complete
                waitForView(cl, n, 1);
                String leader = cl.get(0).lastView()[4];
                int victim = i("victim", 2);
                if (("m" + victim).equals(leader)) {
                    victim = victim == n - 1 ? 1 : victim + 1;
                }
                MemberProcess v = cl.get(victim);
                int[] viewsBefore = new int[n];
                for (int k = 0; k < n; k++) {
                    viewsBefore[k] = cl.get(k).views.size();
                }
                if (fault.equals("stop")) {
                    v.prepareSignal("STOP"); // a shell waiting to send it: no fork/exec at the fault
                }
                long tFault = PerfMember.epochMicros();
                long signalUs;
                if (fault.equals("kill")) {
                    v.process.destroyForcibly(); // SIGKILL (kill -9) to that one child pid
                    signalUs = PerfMember.epochMicros() - tFault;
                    v.process.waitFor(10, TimeUnit.SECONDS);
                    MemberProcess.LIVE.remove(v);
                } else {
                    v.signal("STOP"); // only heartbeats reveal it: its connections stay open
                    signalUs = v.lastSignalUs; // until the helper confirmed: an upper bound of the delivery
                }
                long[] at = awaitViewWithout(cl, victim, viewsBefore, 60_000);
                long first = Long.MAX_VALUE;
                long last = 0;
                for (int k = 0; k < n; k++) {
                    if (k != victim) {
                        first = Math.min(first, at[k]);
                        last = Math.max(last, at[k]);
                    }
                }
                int leaderIdx = Integer.parseInt(leader.substring(1));
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("ms_to_view_all", (last - tFault) / 1e3);
                f.put("ms_first", (first - tFault) / 1e3);
                if (fault.equals("stop")) {
                    f.put("timeout_ms", timeout);
                }
                f.put("ms_leader", (at[leaderIdx] - tFault) / 1e3);
                f.put("n", n);
                f.put("victim", "m" + victim);
                f.put("detect", "heartbeat(interval=" + interval + "ms,timeout=" + timeout + "ms)"
                        + (fault.equals("kill") ? "+refused-reconnect" : ""));
                f.put("signal_us", signalUs);
                f.put("run", run);
                if (fault.equals("stop")) {
                    // Resume it: it must find itself excluded and come back as a new incarnation.
                    long tCont = PerfMember.epochMicros();
                    v.signal("CONT");
                    f.put("rejoin_ms", awaitRejoin(cl, n, tCont, 20_000));
                }
                result(name, f);
                List<MemberProcess> survivors = new ArrayList<>(cl);
                if (fault.equals("kill")) {
                    survivors.remove(v);
                }
                reportWarnings(survivors);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                failed(name, run, e, cl);
            } finally {
                if (cl != null) {
                    stopCluster(cl);
                }
            }
        }
        median(name, "n=" + n + " timeout_ms=" + timeout + " interval_ms=" + interval,
                "ms_to_view_all", "ms_first", "ms_leader", "rejoin_ms");
    }

    /** Per member, the epoch µs at which it reported a view of n-1 members without the victim. */
    private static long[] awaitViewWithout(List<MemberProcess> cl, int victim, int[] viewsBefore, long timeoutMs)
            throws InterruptedException {
        int n = cl.size();
        long end = System.currentTimeMillis() + timeoutMs;
        long[] at = new long[n];
        int got = 0;
        while (got < n - 1 && System.currentTimeMillis() < end) {
            got = 0;
            for (int k = 0; k < n; k++) {
                if (k == victim) {
                    continue;
                }
                MemberProcess c = cl.get(k);
                at[k] = 0;
                for (int j = viewsBefore[k]; j < c.views.size(); j++) {
                    String[] w = c.views.get(j);
                    if (Integer.parseInt(w[3]) == n - 1 && !Arrays.asList(w[5].split(",")).contains("m" + victim)) {
                        at[k] = Long.parseLong(w[1]);
                        break;
                    }
                }
                if (at[k] > 0) {
                    got++;
                }
            }
            if (got < n - 1) {
                Thread.sleep(2);
            }
        }
        if (got < n - 1) {
            throw new IllegalStateException("survivors did not install a view without m" + victim + " within "
                    + timeoutMs + " ms");
        }
        return at;
    }

    /** ms from resuming until every member, the resumed one included, is in one n-member view; -1 if not in time. */
    private static double awaitRejoin(List<MemberProcess> cl, int n, long fromUs, long timeoutMs)
            throws InterruptedException {
        try {
            waitForView(cl, n, timeoutMs);
        } catch (IllegalStateException e) {
            return -1;
        }
        long last = 0;
        for (MemberProcess c : cl) {
            last = Math.max(last, Long.parseLong(c.lastView()[1]));
        }
        return (last - fromUs) / 1e3;
    }

    // =====================================================================================
    // compare with the JGroups harness

    private final Map<String, String> jgEnv = new LinkedHashMap<>();
    private final Map<String, String> jg = new LinkedHashMap<>();
    private final Map<String, List<Double>> jgCpu = new LinkedHashMap<>();
    private Path jgScript;

    /** Copies the JGroups harness to a private folder and sets its knobs from our options. */
    private boolean prepareJGroups() throws IOException {
        Path src = Path.of(s("jgroups", Path.of(System.getProperty("vsync.home", "."), "..", "shared", "bench",
                "jgroups").toString())).toAbsolutePath().normalize();
        if (!Files.isRegularFile(src.resolve("run.sh"))) {
            say("JGroups harness not found at " + src + " (use --jgroups DIR)");
            return false;
        }
        // Run a copy (times kept, so that its build stays up to date between runs): the shared
        // folder stays untouched, whether or not it is writable.
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "vsync-perf-jgroups");
        for (String part : List.of("src", "stacks", "pom.xml", "run.sh")) {
            copyTree(src.resolve(part), dir.resolve(part));
        }
        jgScript = dir.resolve("run.sh");
        say("JGroups harness " + src + " copied to " + dir);
        Map<String, String> env = jgEnv;
        env.put("RUNS", s2("lat-runs", "runs", "3"));
        env.put("TP_RUNS", s2("tp-runs", "runs", "5"));
        env.put("NB_RUNS", s("nb-runs", "2"));
        env.put("MSGS", s("msgs", "100000"));
        env.put("TP_WARMUP", s2("tp-warmup", "warmup", "500000"));
        env.put("SIZE", s("size", "1000"));
        env.put("COUNT", s("count", "20000"));
        env.put("RATE", s("rate", "2000"));
        env.put("LAT_WARMUP", s2("lat-warmup", "warmup", "10000"));
        env.put("FD_TIMEOUT", s("timeout-ms", "1000"));
        env.put("FD_INTERVAL", s("interval-ms", "250"));
        return true;
    }

    /** Runs one test of the JGroups harness, echoing its lines and keeping its MEDIAN lines. */
    private void runJGroups(String what) throws Exception {
        Map<String, String> env = jgEnv;
        Path script = jgScript;
        say("JGroups harness: " + env + " " + script + " " + what + "; load " + loadAverage());
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), what).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        CpuSampler sampler = new CpuSampler(p.toHandle(), "bench.Member");
        sampler.start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                print("  jgroups| " + line);
                if (line.startsWith("MEDIAN ")) {
                    String[] t = line.split("\\s+");
                    jg.putIfAbsent(t[1], line);
                }
                if (line.startsWith("RESULT jgroups.throughput.")) {
                    // the run's members have reported; their CPU over their whole life so far
                    Map<String, String> f = kv(line);
                    long per = Long.parseLong(f.get("msgs")) + Long.parseLong(s2("tp-warmup", "warmup", "500000"));
                    double cpu = sampler.takeNanos();
                    String key = line.split("\\s+")[1];
                    jgCpu.computeIfAbsent(key, k -> new ArrayList<>()).add(cpu / 1e3 / per);
                    print(String.format("  jgroups| # members' CPU over their life: %.1f s = %.1f us per message",
                            cpu / 1e9, cpu / 1e3 / per));
                } else if (line.startsWith("RESULT ")) {
                    sampler.takeNanos();
                }
            }
        }
        sampler.stop();
        if (p.waitFor() != 0) {
            say("JGroups harness '" + what + "' exited with " + p.exitValue());
        }
    }

    private void finishCompare() {
        for (String line : jg.values()) {
            print(line);
        }
        print("# ---- side by side (medians; same session, tests interleaved) ----");
        for (Map.Entry<String, List<Double>> e : jgCpu.entrySet()) {
            print(String.format("MEDIAN %s.cpu cpu_us_per_msg_life=%.1f (members' whole-life CPU / (warm-up + measured msgs))",
                    e.getKey(), medianOf(e.getValue())));
        }
        int timeout = i("timeout-ms", 1000);
        double vOrd = medianMetric("vsync.throughput.ordered", "msgs_per_s");
        double jSeq = jgMetric(jg, "jgroups.throughput.seq", "msgs_per_s");
        double vFifo = medianMetric("vsync.throughput.fifo", "msgs_per_s");
        double jFifo = jgMetric(jg, "jgroups.throughput.fifo", "msgs_per_s");
        double vP99 = medianMetric("vsync.latency.ordered self", "p99_us");
        double jP99 = jgMetric(jg, "jgroups.latency.seq", "self_p99_us");
        double jP99nb = jgMetric(jg, "jgroups.latency.seq.nobundler", "self_p99_us");
        double vP50 = medianMetric("vsync.latency.ordered self", "p50_us");
        double jP50 = jgMetric(jg, "jgroups.latency.seq", "self_p50_us");
        double vKill = medianMetric("vsync.viewchange.kill", "ms_to_view_all");
        double jKill = jgMetric(jg, "jgroups.viewchange.fdsock2", "ms_to_view_all");
        double jHb = jgMetric(jg, "jgroups.viewchange.fdall3", "ms_to_view_all");
        double vStop = medianMetric("vsync.viewchange.stop", "ms_to_view_all");
        row("throughput ordered vs SEQUENCER (msgs/s)", vOrd, jSeq, vOrd / jSeq, ">= 1.5", vOrd / jSeq >= 1.5);
        row("throughput fifo vs fifo stack (msgs/s)", vFifo, jFifo, vFifo / jFifo, "(none)", null);
        double vCpu = medianMetric("vsync.throughput.ordered", "cpu_us_per_msg_life");
        double jCpu = medianOf(jgCpu.getOrDefault("jgroups.throughput.seq", List.of()));
        row("CPU per ordered msg, members' life (us)", vCpu, jCpu, vCpu / jCpu, "(info)", null);
        double vCpuF = medianMetric("vsync.throughput.fifo", "cpu_us_per_msg_life");
        double jCpuF = medianOf(jgCpu.getOrDefault("jgroups.throughput.fifo", List.of()));
        row("CPU per fifo msg, members' life (us)", vCpuF, jCpuF, vCpuF / jCpuF, "(info)", null);
        row("latency ordered self p99 (us)", vP99, jP99, vP99 / jP99, "<= 0.5", vP99 / jP99 <= 0.5);
        row("latency ordered self p99 vs no-bundler (us)", vP99, jP99nb, vP99 / jP99nb, "(info)", null);
        row("latency ordered self p50 (us)", vP50, jP50, vP50 / jP50, "(info)", null);
        row("view change kill -9 vs FD_SOCK2 (ms)", vKill, jKill, vKill / jKill, "<= 0.5", vKill / jKill <= 0.5);
        row("view change SIGSTOP vs FD_ALL3 (ms)", vStop, jHb, vStop / jHb, "<= " + (timeout + 50) + " ms",
                vStop <= timeout + 50);
        say("load " + loadAverage());
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
        print(String.format("COMPARE %-46s vsync=%-10.1f jgroups=%-10.1f ratio=%-6.2f target %-12s %s", what.replace(' ', '_'),
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
