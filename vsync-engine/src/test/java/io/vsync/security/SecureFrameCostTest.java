package io.vsync.security;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/**
 * What the security layer itself costs per group message, in one thread, without sockets:
 * sealing at the sender and opening at the receiver of a 100-byte {@code Data}, over an
 * in-memory wire. CPU time and bytes allocated of the measuring thread only, so the figures
 * hold on a busy machine where msg/s do not. Opt-in:
 * {@code ./mvnw -o -pl vsync-engine test -Dtest=SecureFrameCostTest -Dvsync.perf=true}.
 */
class SecureFrameCostTest {

    @Test
    void cpuAndAllocationPerSealedAndOpenedGroupMessage() throws Exception {
        assumeTrue(Boolean.getBoolean("vsync.perf"), "set -Dvsync.perf=true to measure");
        int rounds = Integer.getInteger("vsync.perf.rounds", 5);
        int perRound = 100_000;
        SecureFramePropertyTest.Pair p = new SecureFramePropertyTest.Pair();
        try {
            String a = p.wireA.address;
            String b = p.wireB.address;
            p.a.send(List.of(b), SecureTransportTest.commit("g", 2, a, b));
            p.b.send(a, SecureTransportTest.data("g", 2, b, 1, "hello")); // b shows a it holds the key
            p.pump();
            String text = "x".repeat(100);
            measure(rounds, perRound, "message sealed and opened",
                    seq -> p.a.send(List.of(b), SecureTransportTest.data("g", 2, a, seq, text)),
                    () -> {
                        p.pump();
                        p.atB.messages.clear();
                    });
            System.out.printf("rejected %d%n", p.b.securityStats().rejectedFrames());
        } finally {
            p.close();
        }
    }

    /**
     * The perf tool's case for the security layer: one member multicasts a Data of
     * {@code vsync.perf.payload} bytes (1000) to two others, which open it. Per message: the
     * sender's sealing and both receivers' opening, in one thread.
     */
    @Test
    void cpuAndAllocationPerMulticastToTwoPeers() throws Exception {
        assumeTrue(Boolean.getBoolean("vsync.perf"), "set -Dvsync.perf=true to measure");
        int rounds = Integer.getInteger("vsync.perf.rounds", 5);
        int payload = Integer.getInteger("vsync.perf.payload", 1000);
        int perRound = 100_000;
        Mesh mesh = new Mesh(3);
        try {
            List<String> all = mesh.addresses();
            String a = all.get(0);
            List<String> others = all.subList(1, 3);
            mesh.node(a).send(others, SecureTransportTest.commit("g", 2, all.toArray(String[]::new)));
            mesh.pump();
            for (String o : others) { // each shows a it holds the key
                mesh.node(o).send(a, SecureTransportTest.data("g", 2, o, 1, "hello"));
            }
            mesh.pump();
            mesh.recording = false;
            mesh.inboxes.values().forEach(in -> in.keep = false);
            String text = "x".repeat(payload);
            measure(rounds, perRound, payload + "-byte multicast sealed and opened by two peers",
                    seq -> mesh.node(a).send(others, SecureTransportTest.data("g", 2, a, seq, text)), mesh::pump);
            long rejected = 0;
            for (String o : others) {
                rejected += mesh.node(o).securityStats().rejectedFrames();
            }
            System.out.printf("delivered %d and %d, rejected %d%n", mesh.inbox(others.get(0)).count,
                    mesh.inbox(others.get(1)).count, rejected);
        } finally {
            mesh.close();
        }
    }

    /**
     * Runs a warm-up round and {@code rounds} measured rounds of {@code perRound} sends (numbered
     * from 2; {@code drain} after every 64 and at the end of a round) and prints the measuring
     * thread's CPU time and allocation per send.
     */
    private static void measure(int rounds, int perRound, String what, LongConsumer send, Runnable drain) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        long seq = 1;
        for (int round = 0; round <= rounds; round++) {
            long cpu0 = threads.getCurrentThreadCpuTime();
            long alloc0 = threads.getThreadAllocatedBytes(self);
            for (int i = 0; i < perRound; i++) {
                send.accept(++seq);
                if (i % 64 == 63) {
                    drain.run();
                }
            }
            drain.run();
            double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / perRound;
            double bytes = (double) (threads.getThreadAllocatedBytes(self) - alloc0) / perRound;
            System.out.printf("%s: %.2f us CPU and %.0f B allocated per %s%n",
                    round == 0 ? "warm-up" : "round " + round, cpu, bytes, what);
        }
    }
}
