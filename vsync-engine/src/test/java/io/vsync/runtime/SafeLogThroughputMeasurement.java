package io.vsync.runtime;

import io.vsync.api.Group;
import io.vsync.api.VsyncEngine;
import io.vsync.durability.FsyncPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Opt-in measurement (not a test: speed does not belong in the suite) of what the safeSend log
 * costs: three engines in this JVM on loopback, each safeSending small messages with 64 in
 * flight, without a log and with the log under each fsync policy. Run with
 * {@code ./mvnw -o -q -pl vsync-engine test -Dtest=SafeLogThroughputMeasurement -Dvsync.measure=true};
 * it prints one line per configuration. Ports 28410-28412.
 */
@EnabledIfSystemProperty(named = "vsync.measure", matches = "true")
class SafeLogThroughputMeasurement {

    /** The message. */
    public record Entry(long n) {
    }

    private static final int PER_MEMBER = Integer.getInteger("vsync.measure.messages", 20_000);

    @Test
    void safeSendThroughputWithAndWithoutTheLog() throws Exception {
        measure("no log", null);
        measure("log, fsync never", FsyncPolicy.never());
        measure("log, fsync always", FsyncPolicy.always());
        measure("no log", null);
        measure("log, fsync always", FsyncPolicy.always());
    }

    private static void measure(String label, FsyncPolicy fsync) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "safelog-measure-");
        List<String> seeds = List.of("127.0.0.1:28410", "127.0.0.1:28411", "127.0.0.1:28412");
        List<VsyncEngine> engines = new ArrayList<>();
        List<Group> groups = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                VsyncEngine.Builder builder = VsyncEngine.builder().nodeName("m" + i).bind("127.0.0.1", 28410 + i)
                        .seeds(seeds);
                if (fsync != null) {
                    builder.safeLog(dir.resolve("m" + i), fsync);
                }
                VsyncEngine engine = builder.build();
                engine.start();
                engines.add(engine);
                Group group = engine.group("bench");
                group.handle(Entry.class, e -> { });
                groups.add(group);
            }
            List<CompletableFuture<?>> joins = new ArrayList<>();
            groups.forEach(g -> joins.add(g.joinAsync()));
            CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).get();
            while (groups.stream().anyMatch(g -> g.view().size() < 3)) {
                Thread.sleep(20);
            }
            long started = System.nanoTime();
            List<Thread> senders = new ArrayList<>();
            for (Group group : groups) {
                Thread t = new Thread(() -> {
                    Semaphore window = new Semaphore(64);
                    for (int n = 0; n < PER_MEMBER; n++) {
                        window.acquireUninterruptibly();
                        group.safeSend(new Entry(n)).whenComplete((ok, e) -> window.release());
                    }
                    window.acquireUninterruptibly(64);
                });
                t.start();
                senders.add(t);
            }
            for (Thread t : senders) {
                t.join();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("safeSend, 3 members, %s: %.0f msg/s (%d messages in %.2f s)%n", label,
                    3 * PER_MEMBER / seconds, 3 * PER_MEMBER, seconds);
        } finally {
            engines.forEach(VsyncEngine::close);
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Thread.sleep(Duration.ofMillis(300).toMillis());
    }
}
