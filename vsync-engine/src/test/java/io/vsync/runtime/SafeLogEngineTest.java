package io.vsync.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vsync.api.DeliveryInfo;
import io.vsync.api.Group;
import io.vsync.api.VsyncEngine;
import io.vsync.api.VsyncException;
import io.vsync.durability.FsyncPolicy;
import io.vsync.durability.SafeLogConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One engine with a safeSend log, restarted on the same directory (ports 28420-28421). */
class SafeLogEngineTest {

    /** The message. */
    public record Item(int n) {
    }

    /** A message with a body, to make the log grow. */
    public record Padded(int n, String pad) {
    }

    /** The state. */
    public record Items(List<Integer> items) {
    }

    @TempDir
    Path dir;

    /** An application: a list of delivered items, the replayed ones counted. */
    private static final class App implements AutoCloseable {
        final List<Integer> items = Collections.synchronizedList(new ArrayList<>());
        final List<Boolean> replayed = Collections.synchronizedList(new ArrayList<>());
        final VsyncEngine engine;
        final Group group;

        App(Path dir, long checkpointEvery) {
            engine = VsyncEngine.builder().nodeName("solo").bind("127.0.0.1", 28420).seeds("127.0.0.1:28420")
                    .safeLog("journal", SafeLogConfig.of(dir, FsyncPolicy.always()).withCheckpointEvery(checkpointEvery,
                            1 << 30))
                    .build();
            engine.start();
            group = engine.group("journal");
            group.handle(Item.class, (Item item, DeliveryInfo info) -> {
                items.add(item.n());
                replayed.add(info.replayed());
            });
            group.handle(Padded.class, (Padded item, DeliveryInfo info) -> {
                items.add(item.n());
                replayed.add(info.replayed());
            });
            group.stateTransfer(Items.class, () -> new Items(snapshot()), s -> {
                synchronized (items) {
                    items.clear();
                    items.addAll(s.items());
                }
            });
            try {
                group.join(Duration.ofSeconds(20));
            } catch (RuntimeException e) {
                engine.close();
                throw e;
            }
        }

        List<Integer> snapshot() {
            synchronized (items) {
                return List.copyOf(items);
            }
        }

        void send(int from, int to) {
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int n = from; n < to; n++) {
                sent.add(group.safeSend(new Item(n)));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        }

        @Override
        public void close() {
            engine.close();
        }
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int n = from; n < to; n++) {
            out.add(n);
        }
        return out;
    }

    private long segments() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("journal"))) {
            return files.filter(p -> p.getFileName().toString().startsWith("seg-")).count();
        }
    }

    @Test
    void aRestartedMemberReplaysItsSafeHistoryInOrderOnceThroughCheckpoints() throws IOException {
        try (App first = new App(dir, 40)) {
            first.send(0, 100);
            assertThat(first.snapshot()).isEqualTo(range(0, 100));
        }
        try (App second = new App(dir, 40)) {
            assertThat(second.snapshot()).as("replayed before the join completed").isEqualTo(range(0, 100));
            assertThat(second.replayed).contains(true);
            second.send(100, 150);
            assertThat(second.snapshot()).isEqualTo(range(0, 150));
        }
        long segmentsBefore = segments();
        try (App third = new App(dir, 40)) {
            assertThat(third.snapshot()).isEqualTo(range(0, 150));
            third.send(150, 200);
        }
        assertThat(segments()).as("checkpoints in later views dropped the earlier views' segments")
                .isLessThanOrEqualTo(segmentsBefore + 1);
        try (App fourth = new App(dir, 1_000_000)) {
            assertThat(fourth.snapshot()).isEqualTo(range(0, 200));
        }
    }

    private long bytesOnDisk() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("journal"))) {
            long total = 0;
            for (Path p : (Iterable<Path>) files::iterator) {
                try {
                    total += Files.size(p);
                } catch (java.nio.file.NoSuchFileException gone) {
                    // Deleted by the protocol thread (a checkpoint) while listing.
                }
            }
            return total;
        }
    }

    @Test
    void aGroupWhoseViewNeverChangesKeepsItsLogBoundedAndReplaysItAfterARestart() throws IOException {
        String pad = "x".repeat(1_000);
        long largest = 0;
        try (App app = new App(dir, 100)) {
            long viewId = app.group.view().id();
            for (int batch = 0; batch < 40; batch++) {
                List<CompletableFuture<Void>> sent = new ArrayList<>();
                for (int n = batch * 50; n < (batch + 1) * 50; n++) {
                    sent.add(app.group.safeSend(new Padded(n, pad)));
                }
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
                largest = Math.max(largest, bytesOnDisk());
            }
            assertThat(app.group.view().id()).as("one view all along").isEqualTo(viewId);
            assertThat(app.snapshot()).isEqualTo(range(0, 2_000));
        }
        // 2,000 messages of 1 kB were logged; checkpoints every 100 records keep a few hundred
        // kB at most (the state, a list of numbers, is the part that grows).
        assertThat(largest).as("largest directory size, in bytes").isLessThan(600_000);
        try (App again = new App(dir, 1_000_000)) {
            assertThat(again.snapshot()).isEqualTo(range(0, 2_000));
        }
    }

    @Test
    void aCorruptLogFailsTheJoinNamingTheFile() throws IOException {
        try (App first = new App(dir, 1_000_000)) {
            first.send(0, 5);
        }
        Path segment;
        try (Stream<Path> files = Files.list(dir.resolve("journal"))) {
            segment = files.filter(p -> p.getFileName().toString().startsWith("seg-"))
                    .filter(p -> p.toFile().length() > 100).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(segment);
        bytes[10] ^= 1;
        Files.write(segment, bytes);
        assertThatThrownBy(() -> new App(dir, 1_000_000)).isInstanceOf(VsyncException.class)
                .hasStackTraceContaining(segment.getFileName().toString());
    }
}
