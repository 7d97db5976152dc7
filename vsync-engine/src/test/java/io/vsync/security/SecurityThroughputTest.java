package io.vsync.security;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vsync.api.DeliveryInfo;
import io.vsync.api.Group;
import io.vsync.api.VsyncEngine;
import io.vsync.runtime.NioVsyncEngine;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The cost of security: orderedSend throughput of three engines over loopback TCP, plain,
 * secure (cluster secret) and TLS, in alternating rounds of one run. Opt-in (it takes about a minute and wants a quiet
 * machine):
 * {@code ./mvnw -o -pl vsync-engine test -Dtest=SecurityThroughputTest -Dvsync.perf=true
 * [-Dvsync.perf.seconds=5 -Dvsync.perf.rounds=3 -Dvsync.perf.payload=100]}; the figures are in
 * target/surefire-reports/io.vsync.security.SecurityThroughputTest-output.txt.
 */
class SecurityThroughputTest {
    record Msg(String text) {
    }

    @Test
    void orderedSendThroughputPlainVersusSecure() throws Exception {
        assumeTrue(Boolean.getBoolean("vsync.perf"), "set -Dvsync.perf=true to measure");
        int seconds = Integer.getInteger("vsync.perf.seconds", 5);
        int rounds = Integer.getInteger("vsync.perf.rounds", 3);
        int payload = Integer.getInteger("vsync.perf.payload", 100);
        List<Double> plain = new ArrayList<>();
        List<Double> secure = new ArrayList<>();
        List<Double> tls = new ArrayList<>();
        List<Double> plainCpu = new ArrayList<>();
        List<Double> secureCpu = new ArrayList<>();
        List<Double> tlsCpu = new ArrayList<>();
        List<Double> plainAlloc = new ArrayList<>();
        List<Double> secureAlloc = new ArrayList<>();
        List<Double> tlsAlloc = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            Round p = measure(Mode.PLAIN, seconds, payload);
            Round s = measure(Mode.SECRET, seconds, payload);
            Round t = measure(Mode.TLS, seconds, payload);
            plain.add(p.rate());
            secure.add(s.rate());
            tls.add(t.rate());
            plainCpu.add(p.cpuMicrosPerMessage());
            secureCpu.add(s.cpuMicrosPerMessage());
            tlsCpu.add(t.cpuMicrosPerMessage());
            plainAlloc.add(p.bytesPerMessage());
            secureAlloc.add(s.bytesPerMessage());
            tlsAlloc.add(t.bytesPerMessage());
            System.out.printf("round %d: plain %s, secure %s, tls %s%n", round + 1, p, s, t);
        }
        double p = median(plain);
        double s = median(secure);
        double t = median(tls);
        double pc = median(plainCpu);
        double sc = median(secureCpu);
        double tc = median(tlsCpu);
        System.out.printf("orderedSend, 3 engines over loopback, %d-byte payloads, median of %d rounds of %d s:%n"
                + "  plain  %.0f msg/s, %.1f us CPU/msg, %.0f B allocated/msg%n"
                + "  secure %.0f msg/s, %.1f us CPU/msg, %.0f B allocated/msg%n"
                + "  tls    %.0f msg/s, %.1f us CPU/msg, %.0f B allocated/msg%n"
                + "  secure/plain = %.2f (cost %.0f%%), tls/plain = %.2f (cost %.0f%%); "
                + "CPU per message secure/plain = %.2f, tls/plain = %.2f%n",
                payload, rounds, seconds, p, pc, median(plainAlloc), s, sc, median(secureAlloc),
                t, tc, median(tlsAlloc), s / p, 100 * (1 - s / p), t / p, 100 * (1 - t / p), sc / pc, tc / pc);
    }

    /**
     * One measured window. CPU and allocation are the whole process's (all three engines) per
     * message delivered at the first engine, i.e. per orderedSend: on a shared machine these
     * say more than the rate, which depends on what else runs.
     */
    record Round(double rate, double cpuMicrosPerMessage, double bytesPerMessage) {

        @Override
        public String toString() {
            return String.format("%.0f msg/s %.1f us-cpu/msg %.0f B/msg", rate, cpuMicrosPerMessage, bytesPerMessage);
        }
    }

    /** Bytes allocated so far by the live threads, by thread id. */
    private static Map<Long, Long> allocatedByThread() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        Map<Long, Long> byId = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                byId.put(ids[i], bytes[i]);
            }
        }
        return byId;
    }

    private static long allocatedSince(Map<Long, Long> before, Map<Long, Long> after) {
        long sum = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return sum;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    /** Plain TCP; the cluster secret; TLS certificates (with the view keys on top, as the builder sets them up). */
    private enum Mode { PLAIN, SECRET, TLS }

    private static Round measure(Mode mode, int seconds, int payload) throws Exception {
        List<String> addresses = Cluster.freeAddresses(3);
        List<VsyncEngine> engines = new ArrayList<>();
        List<Group> groups = new ArrayList<>();
        AtomicLong delivered = new AtomicLong();
        try {
            for (String address : addresses) {
                int port = Integer.parseInt(address.substring(address.indexOf(':') + 1));
                NioVsyncEngine.Builder b = NioVsyncEngine.builder().nodeName(address).bind("127.0.0.1", port)
                        .seeds(addresses).heartbeatInterval(Duration.ofMillis(100)).failureTimeout(Duration.ofSeconds(3));
                if (mode == Mode.SECRET) {
                    b.security(SecurityConfig.clusterSecret(SecureTransportTest.SECRET));
                } else if (mode == Mode.TLS) {
                    b.tls(TestPki.get().config(TestPki.get().member));
                }
                VsyncEngine engine = b.build();
                engine.start();
                engines.add(engine);
                Group g = engine.group("perf");
                boolean counting = groups.isEmpty();
                g.handle(Msg.class, (Msg m, DeliveryInfo info) -> {
                    if (counting) {
                        delivered.incrementAndGet();
                    }
                });
                groups.add(g);
            }
            groups.forEach(Group::joinAsync);
            Cluster.await("one view of three", () -> groups.stream().allMatch(g -> g.view() != null
                    && g.view().size() == 3));
            Msg msg = new Msg("x".repeat(payload));
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> senders = new ArrayList<>();
            for (Group g : groups) {
                Semaphore window = new Semaphore(500);
                Thread t = new Thread(() -> {
                    while (running.get()) {
                        try {
                            window.acquire();
                            g.orderedSend(msg).whenComplete((v, e) -> window.release());
                        } catch (InterruptedException e) {
                            return;
                        } catch (RuntimeException e) {
                            window.release();
                        }
                    }
                }, "perf-sender");
                t.setDaemon(true);
                t.start();
                senders.add(t);
            }
            Thread.sleep(2000); // warm-up
            long start = delivered.get();
            long cpu0 = processCpuNanos();
            Map<Long, Long> alloc0 = allocatedByThread();
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long count = delivered.get() - start;
            double rate = count / ((System.nanoTime() - t0) / 1e9);
            double cpu = (processCpuNanos() - cpu0) / 1e3 / Math.max(1, count);
            double bytes = (double) allocatedSince(alloc0, allocatedByThread()) / Math.max(1, count);
            running.set(false);
            for (Thread t : senders) {
                t.interrupt();
                t.join(2000);
            }
            return new Round(rate, cpu, bytes);
        } finally {
            for (VsyncEngine e : engines) {
                e.close();
            }
        }
    }
}
