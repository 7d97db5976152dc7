package io.vsync.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vsync.api.MemberId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
