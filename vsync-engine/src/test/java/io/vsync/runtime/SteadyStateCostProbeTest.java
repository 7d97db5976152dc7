package io.vsync.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.vsync.api.DeliveryInfo;
import io.vsync.api.Group;
import io.vsync.api.PayloadCodec;
import io.vsync.api.VsyncEngine;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Opt-in measurement of what one ordered message costs three engines of this JVM in steady
 * state over loopback TCP, as {@code bin/vsync perf throughput} runs it (1000-byte raw
 * payloads, every member sending): heap bytes allocated and CPU time, per message per member,
 * read from each thread's own counters, so that the figures hold on a loaded machine where
 * wall-clock rates do not. The assertion is on allocation only, never on time.
 *
 * <pre>
 * ./mvnw -o -q -B -pl vsync-engine test -Dtest=SteadyStateCostProbeTest -Dvsync.probe=true \
 *     [-Dvsync.probe.msgs=60000] [-Dvsync.probe.maxBytes=...]
 * </pre>
 */
@EnabledIfSystemProperty(named = "vsync.probe", matches = "true")
class SteadyStateCostProbeTest {
    private static final int MEMBERS = 3;
    private static final int SIZE = 1000;

    /** Payloads are the application's byte[] as they are, like the perf tool's codec. */
    private static final class Raw implements PayloadCodec {
        @Override
        public byte[] encode(Object payload) {
            return (byte[]) payload;
        }

        @Override
        public Object decode(byte[] bytes, ClassResolver resolver) {
            return bytes;
        }
    }

    private final List<VsyncEngine> engines = new ArrayList<>();

    @AfterEach
    void closeAll() {
        engines.forEach(VsyncEngine::close);
    }

    @Test
    void orderedMessagesAllocateLittleInSteadyState() throws Exception {
        int msgs = Integer.getInteger("vsync.probe.msgs", 60_000) / MEMBERS * MEMBERS;
        long maxBytes = Long.getLong("vsync.probe.maxBytes", 2_900);
        List<String> addresses = freeAddresses();
        List<Group> groups = new ArrayList<>();
        AtomicLong[] delivered = new AtomicLong[MEMBERS];
        for (int i = 0; i < MEMBERS; i++) {
            int port = Integer.parseInt(addresses.get(i).substring(addresses.get(i).indexOf(':') + 1));
            VsyncEngine engine = VsyncEngine.builder().nodeName("p" + i).bind("127.0.0.1", port).seeds(addresses)
                    .heartbeatInterval(Duration.ofMillis(100)).failureTimeout(Duration.ofSeconds(10))
                    .payloadCodec(new Raw()).build();
            engines.add(engine);
            engine.start();
            AtomicLong count = new AtomicLong();
            delivered[i] = count;
            Group g = engine.group("probe");
            g.handle(byte[].class, (byte[] b, DeliveryInfo info) -> count.incrementAndGet());
            groups.add(g);
        }
        for (Group g : groups) {
            g.joinAsync();
        }
        for (Group g : groups) {
            g.join(Duration.ofSeconds(60));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (groups.stream().anyMatch(g -> g.view() == null || g.view().size() < MEMBERS)) {
            assertThat(System.nanoTime()).as("one view of three").isLessThan(deadline);
            Thread.sleep(20);
        }
        long warmup = Integer.getInteger("vsync.probe.warmup", 150_000) / MEMBERS * MEMBERS;
        round(groups, delivered, warmup, 0);
        long[] framesBefore = frames();
        long[] vmBefore = vmCounters();
        Map<String, long[]> before = threadCounters();
        long[] senders = round(groups, delivered, msgs, warmup); // its threads end before the snapshot
        Map<String, long[]> after = threadCounters();
        after.put("probe-sender", senders);
        long[] framesAfter = frames();
        long[] vmAfter = vmCounters();

        Map<String, long[]> byRole = new TreeMap<>();
        long allBytes = 0;
        long allCpu = 0;
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            long bytes = e.getValue()[0] - b[0];
            long cpu = e.getValue()[1] - b[1];
            long[] acc = byRole.computeIfAbsent(role(e.getKey()), k -> new long[2]);
            acc[0] += bytes;
            acc[1] += cpu;
            allBytes += bytes;
            allCpu += cpu;
        }
        double perMsgMember = (double) allBytes / msgs / MEMBERS;
        StringBuilder split = new StringBuilder();
        byRole.forEach((role, v) -> split.append(String.format(" %s=%.0fB/%.2fus", role,
                (double) v[0] / msgs / MEMBERS, v[1] / 1000.0 / msgs)));
        System.out.printf("PROBE ordered msgs=%d size=%d bytes_per_msg_member=%.0f cpu_us_per_msg=%.2f (java threads,"
                + " all members) process_cpu_us_per_msg=%.2f (GC and JIT included) gc_count=%d gc_ms=%d"
                + " frames_out_per_msg_member=%.2f wire_bytes_per_msg_member=%.0f%n"
                + "# by thread (bytes per msg per member / cpu us per msg, all members):%s%n",
                msgs, SIZE, perMsgMember, allCpu / 1000.0 / msgs, (vmAfter[0] - vmBefore[0]) / 1000.0 / msgs,
                vmAfter[1] - vmBefore[1], vmAfter[2] - vmBefore[2],
                (double) (framesAfter[0] - framesBefore[0]) / msgs / MEMBERS,
                (double) (framesAfter[1] - framesBefore[1]) / msgs / MEMBERS, split);
        assertThat(perMsgMember).as("bytes allocated per ordered message per member").isLessThan(maxBytes);
    }

    /**
     * Every member sends its share from its own thread; returns when every member delivered all,
     * with the sender threads' own allocated bytes and CPU ns.
     */
    private static long[] round(List<Group> groups, AtomicLong[] delivered, long msgs, long already)
            throws InterruptedException {
        List<Thread> senders = new ArrayList<>();
        long[] senderCost = new long[2];
        for (Group g : groups) {
            Thread t = new Thread(() -> {
                com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                long bytes0 = mx.getCurrentThreadAllocatedBytes();
                long cpu0 = mx.getCurrentThreadCpuTime();
                byte[] payload = new byte[SIZE];
                for (long k = 0; k < msgs / groups.size(); k++) {
                    g.orderedSend(payload);
                }
                synchronized (senderCost) {
                    senderCost[0] += mx.getCurrentThreadAllocatedBytes() - bytes0;
                    senderCost[1] += mx.getCurrentThreadCpuTime() - cpu0;
                }
            }, "probe-sender");
            senders.add(t);
            t.start();
        }
        for (Thread t : senders) {
            t.join();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        for (AtomicLong d : delivered) {
            while (d.get() < already + msgs) {
                assertThat(System.nanoTime()).as("all delivered").isLessThan(deadline);
                Thread.sleep(5);
            }
        }
        synchronized (senderCost) {
            return senderCost.clone();
        }
    }

    /** Frames and bytes sent by all engines. */
    private long[] frames() {
        long[] total = new long[2];
        for (VsyncEngine e : engines) {
            total[0] += e.stats().framesOut();
            total[1] += e.stats().bytesOut();
        }
        return total;
    }

    /** This process's CPU ns, and its collections and their total ms. */
    private static long[] vmCounters() {
        long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        long count = 0;
        long ms = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            ms += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {cpu, count, ms};
    }

    /** Allocated bytes and CPU ns of every live thread, keyed by name and id. */
    private static Map<String, long[]> threadCounters() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Map<String, long[]> out = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("probe-sender")) {
                continue; // counted by round(): they end before the snapshot after the round
            }
            long id = t.getId();
            out.put(t.getName() + "#" + id, new long[] {mx.getThreadAllocatedBytes(id), mx.getThreadCpuTime(id)});
        }
        return out;
    }

    private static String role(String thread) {
        if (thread.startsWith("vsync-io")) {
            return "io";
        }
        if (thread.startsWith("vsync-protocol")) {
            return "protocol";
        }
        if (thread.startsWith("probe-sender")) {
            return "sender";
        }
        if (thread.startsWith("vsync-") && thread.contains("deliver")) {
            return "deliver";
        }
        return "other";
    }

    private static List<String> freeAddresses() throws Exception {
        List<ServerSocket> sockets = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            sockets.add(s);
            addresses.add("127.0.0.1:" + s.getLocalPort());
        }
        for (ServerSocket s : sockets) {
            s.close();
        }
        return addresses;
    }
}
