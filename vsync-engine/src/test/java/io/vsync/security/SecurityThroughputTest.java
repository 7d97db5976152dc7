package io.vsync.security;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vsync.api.DeliveryInfo;
import io.vsync.api.Group;
import io.vsync.api.VsyncEngine;
import io.vsync.runtime.NioVsyncEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
        for (int round = 0; round < rounds; round++) {
            plain.add(measure(Mode.PLAIN, seconds, payload));
            secure.add(measure(Mode.SECRET, seconds, payload));
            tls.add(measure(Mode.TLS, seconds, payload));
            System.out.printf("round %d: plain %.0f msg/s, secure %.0f msg/s, tls %.0f msg/s%n", round + 1,
                    plain.get(round), secure.get(round), tls.get(round));
        }
        double p = median(plain);
        double s = median(secure);
        double t = median(tls);
        System.out.printf("orderedSend, 3 engines over loopback, %d-byte payloads, median of %d rounds of %d s:%n"
                + "  plain  %.0f msg/s%n  secure %.0f msg/s%n  tls    %.0f msg/s%n"
                + "  secure/plain = %.2f (cost %.0f%%), tls/plain = %.2f (cost %.0f%%)%n",
                payload, rounds, seconds, p, s, t, s / p, 100 * (1 - s / p), t / p, 100 * (1 - t / p));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    /** Plain TCP; the cluster secret; TLS certificates (with the view keys on top, as the builder sets them up). */
    private enum Mode { PLAIN, SECRET, TLS }

    private static double measure(Mode mode, int seconds, int payload) throws Exception {
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
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            double rate = (delivered.get() - start) / ((System.nanoTime() - t0) / 1e9);
            running.set(false);
            for (Thread t : senders) {
                t.interrupt();
                t.join(2000);
            }
            return rate;
        } finally {
            for (VsyncEngine e : engines) {
                e.close();
            }
        }
    }
}
