package io.vsync.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.vsync.api.MemberId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SafeHistoryTest {

    private static final MemberId A = new MemberId("a:1", 1);
    private static final MemberId B = new MemberId("b:1", 1);
    private static final MemberId C = new MemberId("c:1", 1);
    private static final List<MemberId> SENDERS = List.of(A, B, C);

    private static SafeRecord data(long view, int rank, long seq, long msgNo) {
        return new SafeRecord.SafeData(view, SENDERS.get(rank), rank, seq, msgNo, true,
                (SENDERS.get(rank).address().charAt(0) + "" + msgNo).getBytes(StandardCharsets.UTF_8));
    }

    private static SafeRecord token(long view, long tokenSeq, int... rankSeq) {
        int[] ranks = new int[rankSeq.length / 2];
        long[] seqs = new long[ranks.length];
        for (int i = 0; i < ranks.length; i++) {
            ranks[i] = rankSeq[2 * i];
            seqs[i] = rankSeq[2 * i + 1];
        }
        return new SafeRecord.Token(view, tokenSeq, ranks, seqs);
    }

    private static List<String> replay(List<SafeRecord> records) {
        List<String> out = new ArrayList<>();
        for (SafeHistory.Message m : SafeHistory.of(records, id -> true).messages()) {
            out.add(new String(m.payload(), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void tokensOrderTheHistoryThenTheUnorderedTailByRankAndSequence() {
        List<SafeRecord> log = List.of(
                new SafeRecord.ViewInstalled(1, SENDERS, true),
                data(1, 2, 1, 1), data(1, 0, 1, 1), data(1, 1, 1, 1), data(1, 0, 2, 2),
                token(1, 1, 2, 1, 0, 1));
        assertThat(replay(log)).containsExactly("c1", "a1", "a2", "b1");
    }

    @Test
    void aCutSkipsSlotsBeyondItAndTheResentCopyInTheNextViewCountsOnce() {
        List<SafeRecord> log = List.of(
                new SafeRecord.ViewInstalled(1, SENDERS, true),
                data(1, 0, 1, 1), data(1, 1, 1, 1), data(1, 1, 2, 2),
                token(1, 1, 1, 2, 0, 1),
                token(1, 2, 1, 1),
                // b's message 2 was slotted first, but the cut left it out: sent again in view 2.
                new SafeRecord.Cut(1, new long[] {1, 1, 0}, 2),
                new SafeRecord.ViewInstalled(2, SENDERS, true),
                data(2, 1, 1, 2), token(2, 1, 1, 1));
        assertThat(replay(log)).containsExactly("a1", "b1", "b2");
        List<SafeHistory.Message> messages = SafeHistory.of(log, id -> true).messages();
        assertThat(messages.get(2).viewId()).isEqualTo(2);
    }

    @Test
    void aDuplicateOfTheSameSenderAndNumberIsReplayedOnce() {
        List<SafeRecord> log = List.of(data(1, 0, 1, 1), new SafeRecord.Cut(1, new long[] {1, 0, 0}, 0),
                data(2, 0, 1, 1));
        assertThat(replay(log)).containsExactly("a1");
    }

    @Test
    void fragmentsAreJoinedAndAMessageMissingItsStartIsLeftOut() {
        List<SafeRecord> log = List.of(
                new SafeRecord.SafeData(1, A, 0, 1, 1, false, "he".getBytes(StandardCharsets.UTF_8)),
                new SafeRecord.SafeData(1, A, 0, 2, 1, true, "llo".getBytes(StandardCharsets.UTF_8)));
        assertThat(replay(log)).containsExactly("hello");
    }

    @Test
    void aCheckpointStartsTheHistoryAfterWhatItCovers() {
        List<SafeRecord> log = List.of(
                data(1, 0, 1, 1), new SafeRecord.Cut(1, new long[] {1, 0, 0}, 0),
                data(2, 0, 1, 2), data(2, 0, 2, 3), token(2, 1, 0, 1, 0, 2),
                new SafeRecord.Checkpoint(2, 1, 7));
        SafeHistory history = SafeHistory.of(log, id -> id == 7);
        assertThat(history.start().hasState()).isTrue();
        assertThat(replay(log)).containsExactly("a3");
        assertThat(SafeHistory.of(log, id -> false).messages()).as("checkpoint state missing: from the beginning")
                .hasSize(3);
    }

    @Test
    void anAdmissionToALiveGroupSupersedesTheOlderLog() {
        List<SafeRecord> log = List.of(
                data(1, 0, 1, 1),
                new SafeRecord.ViewInstalled(5, SENDERS, false),
                data(5, 1, 1, 1));
        SafeHistory history = SafeHistory.of(log, id -> true);
        assertThat(replay(log)).containsExactly("b1");
        assertThat(history.start().hasState()).isFalse();
        assertThat(history.lastViewId()).isEqualTo(5);
    }

    @Test
    void anEmptyLogHasPositionZero() {
        assertThat(SafeHistory.of(List.of(), id -> true).lastViewId()).isZero();
    }
}
