package io.vsync.tools.perf;

import java.io.IOException;
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
import java.util.HashMap;
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
 *                   [--settle 0] (up to N more warm-up rounds of a fifth of --warmup while the JIT is busy)
 *   perf latency    [--runs 3] [--count 20000] [--rate 2000] [--warmup 10000] [--size 1000] [--kinds ordered,fifo]
 *                   [--burst 0] (a flat-out throughput round of N messages first, as the harness's burst=N;
 *                   compare passes it to the harness too)
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
 *         [--security off|secret|both] (secret: members share a fresh cluster secret; names end in ".secret";
 *         both: throughput alternates runs without and with it and prints the cost)
 *         [--heap-mb 1024] [--jvm-opts "-XX:+UseG1GC"] [--logs DIR] [--base-port 27800] [--dump] [--jfr]
 *         [--jgroups DIR] (compare only)
 * </pre>
 *
 * Output: one {@code RESULT} line per run, one {@code MEDIAN key=median[min..max]} line per
 * test; the same lines go to {@code <logs>/results.txt}, each member's output to its own log.
 *
 * <p>This class holds what the tests share: options, output (RESULT/MEDIAN lines), and member
 * clusters (start, stop, rounds awaited from every member). Each test is its own class:
 * {@link ThroughputTest}, {@link LatencyTest}, {@link QueryLatencyTest}, {@link FlushTest},
 * {@link ViewChangeTest}, and {@link JGroupsCompare} for {@code compare}.
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
    /** The cluster secret the members share under {@code --security secret|both}, else null. */
    private final Path secretFile;
    /** Whether the clusters started next use {@link #secretFile}: flips run by run under {@code both}. */
    private boolean secure;

    private PerfCommand(Map<String, String> opt, PrintStream out) throws IOException {
        this.opt = opt;
        this.out = out;
        String home = System.getProperty("vsync.home", ".");
        this.logDir = Path.of(opt.getOrDefault("logs",
                Path.of(home, "logs", "perf-" + LocalDateTime.now().format(STAMP)).toString()));
        Files.createDirectories(logDir);
        this.secretFile = secretFileFor(opt.getOrDefault("security", "off"), logDir);
        this.secure = secretFile != null;
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
        JGroupsCompare jgroups = test.equals("compare") ? new JGroupsCompare(this) : null;
        switch (test) {
            case "throughput" -> new ThroughputTest(this).run();
            case "latency" -> new LatencyTest(this).run();
            case "query" -> new QueryLatencyTest(this).run();
            case "flush" -> new FlushTest(this).run();
            case "viewchange" -> new ViewChangeTest(this).run();
            case "all" -> {
                new ThroughputTest(this).run();
                new LatencyTest(this).run();
                new QueryLatencyTest(this).run();
                new FlushTest(this).run();
                new ViewChangeTest(this).run();
            }
            case "compare" -> { // interleaved, so that a change of the machine's load hits both alike
                if (!jgroups.prepare()) {
                    return 1;
                }
                List<String> tests = Arrays.asList(s("tests", "throughput,latency,viewchange").split(","));
                if (tests.contains("throughput")) {
                    QuietMachine.await(this, "vsync throughput");
                    new ThroughputTest(this).run();
                    QuietMachine.await(this, "jgroups throughput");
                    jgroups.run("throughput");
                }
                if (tests.contains("latency")) {
                    QuietMachine.await(this, "vsync latency");
                    new LatencyTest(this).run();
                    QuietMachine.await(this, "jgroups latency");
                    jgroups.run("latency");
                }
                if (tests.contains("viewchange")) {
                    QuietMachine.await(this, "vsync viewchange");
                    new ViewChangeTest(this).run();
                    QuietMachine.await(this, "jgroups viewchange");
                    jgroups.run("viewchange");
                }
            }
            default -> throw new IllegalStateException(test);
        }
        say("vsync " + test + " done in " + (System.nanoTime() - t0) / 1_000_000_000 + " s; load " + loadAverage());
        print("# medians (min..max in brackets)");
        for (String line : medians.values()) {
            print(line);
        }
        if (jgroups != null) {
            jgroups.finish();
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

    double medianMetric(String key, String metric) {
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

    /**
     * {@code --security secret}: a fresh random cluster secret in the log folder, readable by
     * this user only, which every member reads ({@code --secret-file}); {@code off}: none.
     */
    static Path secretFileFor(String security, Path logDir) throws IOException {
        switch (security) {
            case "off":
                return null;
            case "secret":
            case "both":
                byte[] random = new byte[32];
                new java.security.SecureRandom().nextBytes(random);
                Path file = logDir.resolve("cluster-secret");
                Files.deleteIfExists(file);
                Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, java.util.HexFormat.of().formatHex(random));
                return file;
            default:
                throw new IllegalArgumentException("--security must be off, secret or both, not '" + security + "'");
        }
    }

    /** The suffix of the RESULT names: ".secret" when the members run with a cluster secret. */
    String securitySuffix() {
        return secure ? ".secret" : "";
    }

    /** {@code --security both}: each run of a test measures without and with the secret, alternated. */
    boolean securityBoth() {
        return "both".equals(opt.get("security"));
    }

    /** Whether the clusters started from now on share the cluster secret (only with one to share). */
    void useSecurity(boolean on) {
        if (on && secretFile == null) {
            throw new IllegalStateException("no cluster secret: run with --security secret or both");
        }
        secure = on;
    }

    /** --kinds: multicast primitives by test name (fifo send, causalSend, orderedSend, safeSend). */
    List<String> kinds(String def) {
        return parseKinds("kinds", s("kinds", def));
    }

    /** A comma-separated list of kinds; an unknown one fails naming the option. */
    static List<String> parseKinds(String option, String spec) {
        List<String> k = Arrays.asList(spec.split(","));
        for (String x : k) {
            if (!KINDS.contains(x)) {
                throw new IllegalArgumentException("--" + option + ": unknown kind '" + x + "' (want "
                        + String.join(", ", KINDS) + ")");
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
                if (secure) {
                    mo.put("secret-file", secretFile.toString());
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

    /** The members' process CPU so far (all threads, GC included), summed, ns. */
    /**
     * The members' CPU time so far, read from outside ({@code /proc}, through
     * {@link ProcessHandle.Info#totalCpuDuration()}, 10 ms resolution): asking the members would
     * make all three do work (a command, the management beans) at the very moment the
     * measured window starts, which showed up as a burst of slow samples there; the JGroups
     * harness does nothing at that moment either.
     */
    /**
     * CPU ns so far of each of the members' threads ("pid/tid" → {role index, ns}), read from
     * {@code /proc/<pid>/task} from outside (so the members do nothing at that instant); empty
     * where there is no {@code /proc}.
     */
    static Map<String, long[]> clusterThreadCpu(List<MemberProcess> cl) {
        Map<String, long[]> threads = new HashMap<>();
        for (MemberProcess c : cl) {
            Map<String, long[]> member = ProcThreads.read(Long.toString(c.process.pid()));
            if (member != null) {
                member.forEach((tid, cpu) -> threads.put(c.process.pid() + "/" + tid, cpu));
            }
        }
        return threads;
    }

    /**
     * CPU ns by role ({@link PerfMember#ROLES}) between two {@link #clusterThreadCpu} snapshots,
     * over the threads alive at the second: a thread that ended in between is left out rather
     * than subtracted.
     */
    static long[] cpuByRoleBetween(Map<String, long[]> before, Map<String, long[]> after) {
        long[] byRole = new long[PerfMember.ROLES.size()];
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] was = before.get(e.getKey());
            byRole[(int) e.getValue()[0]] += e.getValue()[1] - (was == null ? 0 : was[1]);
        }
        return byRole;
    }

    static long clusterCpuNs(List<MemberProcess> cl) {
        long sum = 0;
        for (MemberProcess c : cl) {
            sum += c.process.toHandle().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
        }
        return sum;
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
}
