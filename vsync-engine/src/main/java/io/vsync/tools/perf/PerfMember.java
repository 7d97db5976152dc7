package io.vsync.tools.perf;

import io.vsync.api.DeliveryInfo;
import io.vsync.api.Group;
import io.vsync.api.MemberId;
import io.vsync.api.View;
import io.vsync.api.VsyncEngine;
import io.vsync.codec.JacksonPayloadCodec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One benchmark member: its own JVM with one engine and the group {@code bench}, started and
 * steered by {@link PerfCommand} ({@code bin/vsync member ...}, not meant for people).
 *
 * <p>Commands arrive one per line on stdin; events go to stdout as lines starting with '@'.
 * Everything else (engine logging on stderr included) ends up in the member's log file. The
 * member leaves and exits on {@code QUIT}, and also when stdin closes (the driver went away).
 *
 * <p>Payload layout, the same as the JGroups harness: {@code [type:int][sender idx:int]
 * [seq:int][round:int][send nanos:long]} then zero padding up to the message size.
 */
final class PerfMember {
    static final int T_TP = 1;
    static final int T_LAT = 2;
    static final int T_ACK = 3;
    static final int HDR = 24;
    static final String GROUP = "bench";

    private final int idx;
    private final int n;
    private final int basePort;
    private final VsyncEngine engine;
    private final Group group;
    private final QueryAsker queries;

    // ---- throughput round (guarded by tpLock) ----
    private final Object tpLock = new Object();
    private int tpRound = -1;
    private long tpExpected;
    private long tpDelivered;
    private long tpHash;
    private int[] tpNext;
    private boolean tpFifoOk;
    private long tpStray;
    private String tpKind;
    private volatile long tpFirstSendUs;

    // ---- latency (guarded by latLock) ----
    private final Object latLock = new Object();
    private int latSender = -1;
    private int latAcker = -1;
    private int latTotal;
    private int latWarmup;
    private long[] latSelf;
    private long[] latAck;
    private int latSelfCount;
    private int latAckCount;
    private int latRecvCount;
    private boolean latReported;
    private MemberId latSenderId;

    /** One long-lived sending thread, so that its CPU time stays countable across rounds. */
    private final java.util.concurrent.ExecutorService senderThread = java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> {
                Thread t = new Thread(r, "tp-sender");
                t.setDaemon(true);
                return t;
            });

    private PerfMember(int idx, int n, int basePort, Map<String, String> opts) {
        this.idx = idx;
        this.n = n;
        this.basePort = basePort;
        List<String> seeds = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            seeds.add("127.0.0.1:".concat(String.valueOf(basePort + k)));
        }
        VsyncEngine.Builder b = VsyncEngine.builder()
                .nodeName("m".concat(String.valueOf(idx)))
                .bind("127.0.0.1", basePort + idx)
                .seeds(seeds)
                .heartbeatInterval(Duration.ofMillis(Long.parseLong(opts.getOrDefault("interval-ms", "100"))))
                .failureTimeout(Duration.ofMillis(Long.parseLong(opts.getOrDefault("timeout-ms", "1000"))));
        if (opts.containsKey("window")) {
            long window = Long.parseLong(opts.get("window"));
            b.sendWindow(window);
        }
        if (opts.containsKey("secret-file")) {
            b.clusterSecretFile(java.nio.file.Path.of(opts.get("secret-file")));
        }
        b.payloadCodec("cbor".equals(opts.getOrDefault("codec", "raw")) ? JacksonPayloadCodec.cbor() : new RawBytesCodec());
        engine = b.build();
        group = engine.group(GROUP);
        group.handle(byte[].class, (a, info) -> onMessage(a, 0, a.length, info)); // --codec cbor
        group.handle(RawView.class, (v, info) -> onMessage(v.array(), v.offset(), v.length(), info));
        group.onViewChange(this::onView);
        queries = new QueryAsker(group, idx, n);
    }

    static long epochMicros() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    /** This process's CPU time (all threads, GC included), ns; -1 when the JVM cannot tell. */
    static long cpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }

    /** Total time of this JVM's collections so far, ms. */
    static long gcMillis() {
        long t = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            t += Math.max(0, gc.getCollectionTime());
        }
        return t;
    }

    /**
     * CPU ns so far of this JVM's threads by role: the engine's protocol, I/O and delivery
     * threads, the JIT compilers, the garbage collector, every other Java thread; "vm" is the
     * rest of the process. Read from {@code /proc/self/task} where it exists, since the JMX
     * thread bean hides the compiler threads and never lists the collector's.
     */
    static String threadCpu() {
        long[] byRole = new long[ROLES.size()];
        if (!procTaskCpu(byRole)) {
            jmxThreadCpu(byRole);
        }
        long known = 0;
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < ROLES.size(); i++) {
            known += byRole[i];
            s.append("thr_").append(ROLES.get(i)).append('=').append(byRole[i]).append(' ');
        }
        return s.append("thr_vm=").append(Math.max(0, cpuNanos() - known)).toString();
    }

    /** The roles {@link #threadCpu} reports besides "vm", in the order of its counters. */
    static final List<String> ROLES = List.of("protocol", "io", "deliver", "jit", "gc", "sender", "other");

    static int role(String name) {
        if (name.startsWith("vsync-protocol")) {
            return 0;
        } else if (name.startsWith("vsync-io")) {
            return 1;
        } else if (name.startsWith("vsync-deliver")) {
            return 2;
        } else if (name.contains("Compiler")) { // "C2 CompilerThread0", cut to "C2 CompilerThre" in /proc
            return 3;
        } else if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.startsWith("VM Thread")) {
            return 4;
        } else if (name.startsWith("tp-sender")) {
            return 5;
        }
        return 6;
    }

    private static boolean procTaskCpu(long[] byRole) {
        Map<String, long[]> threads = ProcThreads.read("self");
        if (threads == null) {
            return false;
        }
        for (long[] t : threads.values()) { // a thread that ended is in "vm" from now on
            byRole[(int) t[0]] += t[1];
        }
        return true;
    }

    private static void jmxThreadCpu(long[] byRole) {
        java.lang.management.ThreadMXBean tmx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (java.lang.management.ThreadInfo ti : tmx.getThreadInfo(tmx.getAllThreadIds())) {
            if (ti == null) {
                continue;
            }
            long t = tmx.getThreadCpuTime(ti.getThreadId());
            if (t >= 0) {
                byRole[role(ti.getThreadName())] += t;
            }
        }
    }

    static synchronized void emit(String s) {
        System.out.println(s);
        System.out.flush();
    }

    /** Member index of an engine address {@code 127.0.0.1:port}, or -1. */
    private int idxOf(MemberId m) {
        String a = m.address();
        int port = Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
        int k = port - basePort;
        return k >= 0 && k < n ? k : -1;
    }

    // ------------------------------------------------------------------ receive

    private void onView(View v) {
        StringBuilder sb = new StringBuilder();
        for (MemberId m : v.members()) {
            sb.append(sb.length() == 0 ? "" : ",").append('m').append(idxOf(m));
        }
        // @VIEW <epoch us> <view id> <size> <leader> <members>
        emit(new Line("@VIEW").word(epochMicros()).word(v.id()).word(v.size())
                .word("m".concat(String.valueOf(idxOf(v.leader())))).word(sb).toString());
    }

    private void onMessage(byte[] a, int off, int len, DeliveryInfo info) {
        if (len < HDR) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(a);
        int type = b.getInt(off);
        int sender = b.getInt(off + 4);
        int seq = b.getInt(off + 8);
        int round = b.getInt(off + 12);
        switch (type) {
            case T_TP -> onTp(sender, seq, round);
            case T_LAT -> onLat(info, sender, seq, round, b.getLong(off + 16));
            case T_ACK -> onAck(seq, b.getLong(off + 16));
            default -> {
            }
        }
    }

    private void onTp(int sender, int seq, int round) {
        Line line = null;
        synchronized (tpLock) {
            if (round != tpRound || tpNext == null || sender < 0 || sender >= n) {
                tpStray++;
                return;
            }
            if (tpNext[sender] != seq) {
                tpFifoOk = false;
            }
            tpNext[sender] = seq + 1;
            long key = ((long) sender << 32) | (seq & 0xffffffffL);
            tpHash = (tpHash ^ key) * 0x100000001b3L; // FNV-1a-style fold over (sender, seq), as the baseline
            tpHash ^= tpHash >>> 29;
            if (++tpDelivered == tpExpected) {
                long last = epochMicros();
                line = new Line("@TPDONE").kv("round", tpRound).kv("kind", tpKind).kv("delivered", tpDelivered)
                        .kv("hash", Long.toHexString(tpHash)).kv("fifo_ok", tpFifoOk).kv("last_deliv_us", last)
                        .kv("stray", tpStray).kv("cpu_ns", cpuNanos()).kv("gc_ms", gcMillis()).word(threadCpu());
            }
        }
        if (line != null) {
            emit(line.kv("first_send_us", tpFirstSendUs).toString());
        }
    }

    private void onLat(DeliveryInfo info, int sender, int seq, int round, long sendNanos) {
        long now = System.nanoTime();
        boolean all;
        boolean ack = false;
        synchronized (latLock) {
            if (latSelf == null || seq < 0 || seq >= latTotal) {
                return;
            }
            if (idx == latSender && sender == idx && latSelf[seq] < 0) {
                latSelf[seq] = now - sendNanos;
                latSelfCount++;
            }
            if (idx == latAcker && sender == latSender) {
                ack = true;
                latSenderId = info.sender();
            }
            all = ++latRecvCount == latTotal;
        }
        if (ack) {
            byte[] reply = new byte[HDR];
            ByteBuffer.wrap(reply).putInt(T_ACK).putInt(idx).putInt(seq).putInt(round).putLong(sendNanos);
            try {
                group.p2pSend(info.sender(), reply);
            } catch (RuntimeException e) {
                emit("@ERROR p2pSend failed: " + e);
            }
        }
        if (idx == latSender) {
            checkLatDone();
        }
        if (all) {
            emit(new Line("@LATRECV").kv("count", latTotal).kv("t_us", epochMicros()).toString());
        }
    }

    private void onAck(int seq, long sendNanos) {
        long now = System.nanoTime();
        if (idx != latSender) {
            return;
        }
        synchronized (latLock) {
            if (latAck == null || seq < 0 || seq >= latTotal || latAck[seq] >= 0) {
                return;
            }
            latAck[seq] = now - sendNanos;
            latAckCount++;
        }
        checkLatDone();
    }

    private void checkLatDone() {
        String line;
        synchronized (latLock) {
            if (latReported || latSelfCount < latTotal || (latAcker >= 0 && latAckCount < latTotal)) {
                return;
            }
            latReported = true;
            Line done = new Line("@LATDONE").word(stats("self", latSelf));
            line = (latAcker >= 0 ? done.word(stats("ack", latAck)) : done).toString();
        }
        String dump = System.getProperty("perf.latdump");
        if (dump != null) { // raw samples: seq, self latency ns, ack latency ns
            try (PrintWriter w = new PrintWriter(dump, StandardCharsets.UTF_8)) {
                for (int i = 0; i < latTotal; i++) {
                    w.println(i + "," + latSelf[i] + "," + latAck[i]);
                }
            } catch (Exception e) {
                emit("@WARN latdump failed: " + e);
            }
        }
        emit(line);
    }

    private String stats(String name, long[] all) {
        return LatencyStats.of(name, all, latWarmup);
    }

    // ------------------------------------------------------------------ send side

    static byte[] payload(int size, int type, int sender, int seq, int round, long nanos) {
        byte[] buf = new byte[Math.max(size, HDR)];
        ByteBuffer.wrap(buf).putInt(type).putInt(sender).putInt(seq).putInt(round).putLong(nanos);
        return buf;
    }

    /** The multicast primitive of a test kind: fifo, causal, ordered or safe. */
    private CompletableFuture<Void> multicast(String kind, byte[] p) {
        return switch (kind) {
            case "fifo" -> group.send(p);
            case "causal" -> group.causalSend(p);
            case "ordered" -> group.orderedSend(p);
            case "safe" -> group.safeSend(p);
            default -> throw new IllegalArgumentException("unknown kind '" + kind + "'");
        };
    }

    /**
     * Sends {@code count} messages from one thread; with {@code flush}, each send is followed by
     * {@code flush().get()} (a closed loop: one message at a time is unstable), the shape of a
     * server that flushes before it answers each request.
     */
    private void runThroughput(int round, int count, int size, String kind, int outstanding, boolean flush) {
        try {
            CompletableFuture<?>[] ring = outstanding > 0 ? new CompletableFuture<?>[outstanding] : null;
            CompletableFuture<Void> last = null;
            tpFirstSendUs = epochMicros();
            for (int i = 0; i < count; i++) {
                if (ring != null) {
                    CompletableFuture<?> old = ring[i % outstanding];
                    if (old != null) {
                        old.get(60, TimeUnit.SECONDS);
                    }
                }
                last = multicast(kind, payload(size, T_TP, idx, i, round, 0));
                if (ring != null) {
                    ring[i % outstanding] = last;
                }
                if (flush) {
                    group.flush().get(60, TimeUnit.SECONDS);
                }
            }
            long sendDone = epochMicros();
            emit(new Line("@TPSENT").kv("round", round).kv("sent", count).kv("send_done_us", sendDone).toString());
        } catch (Exception e) {
            emit("@ERROR send failed: " + e);
        }
    }

    private void runLatency(int total, int rate, int size, String kind) {
        try {
            int warm;
            synchronized (latLock) {
                warm = latWarmup;
            }
            Pacer pacer = new Pacer(rate);
            for (int i = 0; i < total; i++) {
                pacer.awaitNext();
                if (i == warm) {
                    emit("@WARMED"); // the driver takes the members' CPU from here
                }
                multicast(kind, payload(size, T_LAT, idx, i, 0, System.nanoTime()));
            }
            long el = pacer.elapsedNanos();
            emit(String.format("@LATSENT sent=%d achieved_rate=%.1f", total, total / (el / 1e9)));
        } catch (Exception e) {
            emit("@ERROR send failed: " + e);
        }
    }

    // ------------------------------------------------------------------ control loop

    private void loop() throws Exception {
        engine.start();
        long t0 = System.nanoTime();
        View v = group.join(Duration.ofSeconds(60));
        emit(new Line("@JOINED").kv("self", group.self()).kv("pid", ProcessHandle.current().pid()).kv("view", v.id())
                .kv("size", v.size()).kv("join_ms", (System.nanoTime() - t0) / 1_000_000)
                .kv("java", System.getProperty("java.version")).toString());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] t = line.trim().split("\\s+");
            switch (t[0]) {
                case "TP_PREP" -> { // TP_PREP round expectedTotal kind
                    synchronized (tpLock) {
                        tpRound = Integer.parseInt(t[1]);
                        tpExpected = Long.parseLong(t[2]);
                        tpKind = t.length > 3 ? t[3] : "?";
                        tpDelivered = 0;
                        tpHash = 0xcbf29ce484222325L;
                        tpNext = new int[n];
                        tpFifoOk = true;
                        tpStray = 0;
                        tpFirstSendUs = 0;
                    }
                    emit(new Line("@TPREADY").kv("round", t[1]).kv("cpu_ns", cpuNanos()).kv("gc_ms", gcMillis())
                            .word(threadCpu()).toString());
                }
                case "TP_GO" -> { // TP_GO round myCount size kind outstanding [flush]
                    int round = Integer.parseInt(t[1]);
                    int cnt = Integer.parseInt(t[2]);
                    int size = Integer.parseInt(t[3]);
                    String kind = t[4];
                    int outstanding = Integer.parseInt(t[5]);
                    boolean flush = t.length > 6 && "flush".equals(t[6]);
                    senderThread.execute(() -> runThroughput(round, cnt, size, kind, outstanding, flush));
                }
                case "LAT_PREP" -> { // LAT_PREP senderIdx ackerIdx total warmup
                    synchronized (latLock) {
                        latSender = Integer.parseInt(t[1]);
                        latAcker = Integer.parseInt(t[2]);
                        latTotal = Integer.parseInt(t[3]);
                        latWarmup = Integer.parseInt(t[4]);
                        latSelf = new long[latTotal];
                        Arrays.fill(latSelf, -1);
                        latAck = new long[latTotal];
                        Arrays.fill(latAck, -1);
                        latSelfCount = 0;
                        latAckCount = 0;
                        latRecvCount = 0;
                        latReported = false;
                    }
                    emit("@LATREADY");
                }
                case "LAT_GO" -> { // LAT_GO rate size kind
                    int rate = Integer.parseInt(t[1]);
                    int size = Integer.parseInt(t[2]);
                    String kind = t[3];
                    int total;
                    synchronized (latLock) {
                        total = latTotal;
                    }
                    new Thread(() -> runLatency(total, rate, size, kind), "lat-sender").start();
                }
                case "QRY_PREP" -> { // QRY_PREP: start counting the query requests delivered from zero
                    queries.reset();
                    emit("@QRYREADY");
                }
                case "QRY_GO" -> { // QRY_GO total warmup rate size timeoutMs
                    int total = Integer.parseInt(t[1]);
                    int warm = Integer.parseInt(t[2]);
                    int rate = Integer.parseInt(t[3]);
                    int size = Integer.parseInt(t[4]);
                    long timeoutMs = Long.parseLong(t[5]);
                    new Thread(() -> queries.ask(total, warm, rate, size, timeoutMs), "q-asker").start();
                }
                case "FL_GO" -> { // FL_GO total warmup rate size kind
                    int total = Integer.parseInt(t[1]);
                    int warm = Integer.parseInt(t[2]);
                    int rate = Integer.parseInt(t[3]);
                    int size = Integer.parseInt(t[4]);
                    String kind = t[5];
                    new Thread(() -> FlushProbe.run(group, idx, total, warm, rate, size,
                            p -> multicast(kind, p)), "fl-sender").start();
                }
                case "CPU" -> emit(new Line("@CPU").kv("cpu_ns", cpuNanos()).toString());
                case "STATS" -> emit("@STATS " + group.stats() + " " + engine.stats());
                case "QUIT" -> {
                    emit(new Line("@QUITTING").kv("t_us", epochMicros()).toString());
                    engine.close();
                    emit(new Line("@BYE").kv("t_us", epochMicros()).toString());
                    System.exit(0);
                }
                default -> emit("@ERROR unknown command " + line);
            }
        }
        engine.close(); // stdin closed: the driver went away
        System.exit(0);
    }

    /** {@code member <idx> <n> <basePort> [--interval-ms 100] [--timeout-ms 1000] [--codec raw|cbor] [--window B] [--secret-file F]}. */
    static int run(List<String> args) throws Exception {
        if (args.size() < 3) {
            throw new IllegalArgumentException("usage: member <idx> <n> <base-port> [--interval-ms I] [--timeout-ms T]"
                    + " [--codec raw|cbor] [--window BYTES] [--secret-file FILE]");
        }
        Map<String, String> opts = PerfCommand.options(args.subList(3, args.size()));
        PerfMember m = new PerfMember(Integer.parseInt(args.get(0)), Integer.parseInt(args.get(1)),
                Integer.parseInt(args.get(2)), opts);
        try {
            m.loop();
        } catch (Exception e) {
            emit("@ERROR " + e);
            e.printStackTrace();
            System.exit(1);
        }
        return 0;
    }
}
