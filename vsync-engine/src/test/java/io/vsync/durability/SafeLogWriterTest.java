package io.vsync.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vsync.api.MemberId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeLogWriterTest {

    private static final MemberId A = new MemberId("a:1", 1);

    @TempDir
    Path root;

    private static SafeRecord data(long view, long seq) {
        return new SafeRecord.SafeData(view, A, 0, seq, seq, true, new byte[] {(byte) seq});
    }

    private SafeLogWriter open(SafeLogDirectory dir) {
        return new SafeLogWriter(dir, FsyncPolicy.always(), 1 << 20, dir.read());
    }

    private static long files(Path dir, String prefix) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> p.getFileName().toString().startsWith(prefix)).count();
        }
    }

    @Test
    void whatWasCommittedIsReadBackAfterARestartAndTheLogContinuesInANewSegment() {
        SafeLogDirectory dir = new SafeLogDirectory(root, "g");
        SafeLogWriter writer = open(dir);
        writer.append(new SafeRecord.ViewInstalled(1, List.of(A), true));
        writer.append(data(1, 1));
        assertThat(writer.commit(0)).isTrue();
        // No close: a crash. The OS has the bytes.
        SafeLogWriter again = open(dir);
        again.append(data(1, 2));
        again.commit(0);
        again.close();
        List<SafeHistory.Message> messages = dir.history(dir.read()).messages();
        assertThat(messages).extracting(SafeHistory.Message::msgNo).containsExactly(1L, 2L);
        assertThat(dir.segments()).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void uncommittedRecordsAreNotOnDisk() {
        SafeLogDirectory dir = new SafeLogDirectory(root, "g");
        SafeLogWriter writer = open(dir);
        writer.append(data(1, 1));
        assertThat(dir.read().records()).isEmpty();
        writer.commit(0);
        assertThat(dir.read().records()).hasSize(1);
    }

    @Test
    void aCheckpointDropsTheSegmentsOfEarlierViewsAndRecoveryStartsFromIt() throws IOException {
        SafeLogDirectory dir = new SafeLogDirectory(root, "g");
        SafeLogWriter writer = open(dir);
        for (long view = 1; view <= 3; view++) {
            writer.append(new SafeRecord.ViewInstalled(view, List.of(A), true));
            writer.append(data(view, 1));
            writer.append(new SafeRecord.Cut(view, new long[] {1}, 0));
            writer.commit(0);
        }
        writer.append(new SafeRecord.ViewInstalled(4, List.of(A), true));
        writer.append(data(4, 1));
        writer.append(data(4, 2));
        writer.commit(0);
        long before = files(dir.path(), "seg-");
        writer.checkpoint(4, 1, new byte[] {42});
        assertThat(files(dir.path(), "seg-")).isLessThan(before);
        assertThat(dir.read().records()).allMatch(r -> r.viewId() >= 4);
        SafeHistory history = dir.history(dir.read());
        assertThat(history.start().hasState()).isTrue();
        assertThat(dir.readCheckpoint(history.start().checkpointId())).containsExactly(42);
        assertThat(history.messages()).extracting(SafeHistory.Message::msgNo).containsExactly(2L);
        writer.checkpoint(4, 2, new byte[] {43});
        assertThat(files(dir.path(), "checkpoint-")).as("older states go").isEqualTo(1);
        assertThat(dir.history(dir.read()).messages()).isEmpty();
    }

    @Test
    void aCorruptSegmentFailsRecoveryNamingTheFile() throws IOException {
        SafeLogDirectory dir = new SafeLogDirectory(root, "g");
        SafeLogWriter writer = open(dir);
        writer.append(data(1, 1));
        writer.append(data(1, 2));
        writer.commit(0);
        Path segment = dir.segments().firstEntry().getValue();
        byte[] bytes = Files.readAllBytes(segment);
        bytes[SafeLogFormat.HEADER + 2] ^= 1;
        Files.write(segment, bytes);
        assertThatThrownBy(dir::read).isInstanceOf(SafeLogException.class).hasMessageContaining(segment.toString());
    }

    @Test
    void fsyncPoliciesParseAndABadOneIsNamed() {
        assertThat(FsyncPolicy.parse("ALWAYS", null)).isEqualTo(FsyncPolicy.always());
        assertThat(FsyncPolicy.parse("interval", java.time.Duration.ofMillis(5)))
                .isEqualTo(FsyncPolicy.interval(java.time.Duration.ofMillis(5)));
        assertThatThrownBy(() -> FsyncPolicy.parse("sometimes", null)).hasMessageContaining("always, interval or never");
    }

    // ------------------------------------------------------------ truncation inside one view

    private static final MemberId B = new MemberId("b:1", 1);

    /**
     * One view that never ends: two senders, a token per two messages, and a checkpoint every
     * {@code every} messages covering all but the last message ordered (one slot of the last
     * token still to deliver) and the one not ordered yet.
     */
    private static final class OneViewRun {
        final List<SafeRecord> all = new ArrayList<>();
        long covered;
        long lastCheckpointId;
        long maxBytes;
        long logged;
        private final long[] seq = new long[2];
        private long msgs;
        private long tokens;

        void run(SafeLogWriter writer, SafeLogDirectory dir, int messages, int every) throws IOException {
            if (all.isEmpty()) {
                log(writer, new SafeRecord.ViewInstalled(1, List.of(A, B), true));
            }
            for (int i = 0; i < messages; i++) {
                int rank = (int) (msgs % 2);
                msgs++;
                log(writer, new SafeRecord.SafeData(1, rank == 0 ? A : B, rank, ++seq[rank], msgs, true,
                        ("message " + msgs + " ".repeat(200)).getBytes()));
                if (msgs % 2 == 0) {
                    tokens++;
                    log(writer, new SafeRecord.Token(1, tokens, new int[] {0, 1}, new long[] {seq[0], seq[1]}));
                }
                writer.commit(0);
                if (msgs % every == 0) {
                    covered = 2 * tokens - 1;
                    writer.checkpoint(1, covered, ("state " + covered).getBytes());
                    lastCheckpointId++;
                    all.add(new SafeRecord.Checkpoint(1, covered, lastCheckpointId));
                }
                if (msgs % 50 == 0) {
                    maxBytes = Math.max(maxBytes, bytes(dir.path()));
                }
            }
        }

        private void log(SafeLogWriter writer, SafeRecord r) {
            writer.append(r);
            all.add(r);
            logged += SafeLogFormat.encode(r).length;
        }

        List<String> expected() {
            return payloads(SafeHistory.of(all, id -> id == lastCheckpointId).messages());
        }
    }

    private static List<String> payloads(List<SafeHistory.Message> messages) {
        List<String> out = new ArrayList<>();
        for (SafeHistory.Message m : messages) {
            out.add(m.sender().address() + "/" + m.msgNo() + "/" + new String(m.payload()).strip());
        }
        return out;
    }

    private static long bytes(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            long total = 0;
            for (Path p : (Iterable<Path>) list::iterator) {
                total += Files.size(p);
            }
            return total;
        }
    }

    @Test
    void aLongRunInOneViewWithCheckpointsKeepsTheDirectoryBounded() throws IOException {
        SafeLogDirectory dir = new SafeLogDirectory(root, "g");
        // No fsync per batch (a checkpoint still forces what it needs): 20,000 batches.
        SafeLogWriter writer = new SafeLogWriter(dir, FsyncPolicy.never(), 1 << 20, dir.read());
        OneViewRun run = new OneViewRun();
        run.run(writer, dir, 20_000, 500);
        writer.close();
        // About 500 messages of ~230 bytes between checkpoints: the directory holds one
        // checkpoint's worth, not the ~5 MB logged.
        assertThat(run.logged).isGreaterThan(4_000_000);
        assertThat(run.maxBytes).as("largest directory size, sampled every 50 messages").isLessThan(200_000);
        assertThat(bytes(dir.path())).isLessThan(200_000);
        assertThat(dir.segments()).hasSizeLessThanOrEqualTo(3);
    }

    @Test
    void recoveryAfterTruncationInsideAViewGivesTheSameHistoryAsTheFullLog() throws IOException {
        SafeLogDirectory dir = new SafeLogDirectory(root, "g");
        SafeLogWriter writer = open(dir);
        OneViewRun run = new OneViewRun();
        run.run(writer, dir, 1_003, 100);
        // No close: a crash after the last commit.
        SafeHistory history = dir.history(dir.read());
        assertThat(history.start().covered()).isEqualTo(run.covered);
        assertThat(new String(dir.readCheckpoint(history.start().checkpointId()))).isEqualTo("state " + run.covered);
        List<String> recovered = payloads(history.messages());
        assertThat(recovered).isEqualTo(run.expected()).hasSize(4);
        assertThat(recovered.get(0)).startsWith("b:1/1000/");

        // The log goes on from the rewritten segment, through more checkpoints and restarts.
        SafeLogWriter again = open(dir);
        run.run(again, dir, 350, 100);
        again.close();
        assertThat(payloads(dir.history(dir.read()).messages())).isEqualTo(run.expected()).hasSize(54);
    }

    @Test
    void aCrashBetweenWritingTheRewrittenSegmentAndDeletingTheOldOnesRecoversWithoutDuplicates() throws IOException {
        SafeLogDirectory dir = new SafeLogDirectory(root, "g");
        SafeLogWriter writer = open(dir);
        OneViewRun run = new OneViewRun();
        run.run(writer, dir, 299, 100);
        writer.keepOldSegmentsForTest = true;
        int segmentsBefore = dir.segments().size();
        run.run(writer, dir, 1, 100);
        // The crash: the old segments are still there next to the rewritten one.
        assertThat(dir.segments().size()).isGreaterThan(segmentsBefore);
        List<String> recovered = payloads(dir.history(dir.read()).messages());
        assertThat(recovered).isEqualTo(run.expected()).doesNotHaveDuplicates().hasSize(1);

        SafeLogWriter again = open(dir);
        run.run(again, dir, 100, 100);
        again.close();
        assertThat(payloads(dir.history(dir.read()).messages())).isEqualTo(run.expected()).hasSize(1);
        assertThat(bytes(dir.path())).as("the next checkpoint drops the old segments").isLessThan(60_000);
    }

    @Test
    void aRewrittenSegmentLeftUnrenamedByACrashIsIgnoredAndRemoved() throws IOException {
        SafeLogDirectory dir = new SafeLogDirectory(root, "g");
        SafeLogWriter writer = open(dir);
        OneViewRun run = new OneViewRun();
        run.run(writer, dir, 150, 100);
        Path tmp = dir.path().resolve("seg-000000000099.log.tmp");
        Files.write(tmp, new byte[] {1, 2, 3});
        assertThat(payloads(dir.history(dir.read()).messages())).isEqualTo(run.expected());
        open(dir).close();
        assertThat(tmp).doesNotExist();
    }
}
