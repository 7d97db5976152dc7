package io.vsync.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.vsync.api.MemberId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * In-view truncation: a view rewritten after a checkpoint (the {@link SafeRecord.Compacted}
 * marker and what {@link SafeHistory#compaction} keeps) recovers to the same history as the
 * full log with the same checkpoint, whatever comes after it, and also when a crash left the old
 * records in front of the rewritten ones.
 */
class SafeHistoryCompactionTest {

    private static final List<MemberId> SENDERS = List.of(
            new MemberId("a:1", 1), new MemberId("b:1", 1), new MemberId("c:1", 1));

    /** A view-1 log: orderedSend slots (no data), single and fragmented safeSends, tokens, some data after its token, a cut, a view 2 resending what the cut left out. */
    private static List<SafeRecord> scenario(long seed) {
        Random random = new Random(seed);
        List<SafeRecord> log = new ArrayList<>();
        log.add(new SafeRecord.ViewInstalled(1, SENDERS, true));
        long[] seq = new long[3];
        long[] msgNo = new long[3];
        List<long[]> unordered = new ArrayList<>();
        List<SafeRecord> late = new ArrayList<>();
        long tokenSeq = 0;
        for (int step = 0; step < 60; step++) {
            int rank = random.nextInt(3);
            int kind = random.nextInt(4);
            long no = ++msgNo[rank];
            if (kind == 0) {
                seq[rank]++; // an orderedSend: ordered, never logged
            } else {
                int fragments = kind == 3 ? 1 + random.nextInt(3) : 1;
                boolean delay = random.nextInt(6) == 0;
                for (int f = 1; f <= fragments; f++) {
                    SafeRecord d = new SafeRecord.SafeData(1, SENDERS.get(rank), rank, ++seq[rank], no, f == fragments,
                            ("" + (char) ('a' + rank) + no + "." + f).getBytes());
                    (delay ? late : log).add(d);
                }
            }
            unordered.add(new long[] {rank, seq[rank]});
            if (random.nextInt(3) == 0) {
                int take = 1 + random.nextInt(unordered.size());
                int[] ranks = new int[take];
                long[] seqs = new long[take];
                for (int i = 0; i < take; i++) {
                    long[] slot = unordered.remove(0);
                    ranks[i] = (int) slot[0];
                    seqs[i] = slot[1];
                }
                log.add(new SafeRecord.Token(1, ++tokenSeq, ranks, seqs));
                log.addAll(late); // data that arrived after the token ordering it
                late.clear();
            }
        }
        log.addAll(late);
        // The last token is beyond the cut: its messages go to the tail or, for rank 0, are left
        // out and sent again in view 2 under the same numbers.
        long[] trim = seq.clone();
        trim[0] = Math.max(0, trim[0] - 2);
        log.add(new SafeRecord.Cut(1, trim, Math.max(0, tokenSeq - 1)));
        log.add(new SafeRecord.ViewInstalled(2, SENDERS, true));
        long s2 = 0;
        for (long no = Math.max(1, msgNo[0] - 2); no <= msgNo[0]; no++) {
            log.add(new SafeRecord.SafeData(2, SENDERS.get(0), 0, ++s2, no, true, ("a" + no + ".resent").getBytes()));
        }
        log.add(new SafeRecord.Token(2, 1, new int[] {0}, new long[] {1}));
        return log;
    }

    private static List<String> history(List<SafeRecord> log) {
        List<String> out = new ArrayList<>();
        for (SafeHistory.Message m : SafeHistory.of(log, id -> true).messages()) {
            out.add(m.viewId() + ":" + new String(m.payload()));
        }
        return out;
    }

    /** How many messages of view 1 a member could have delivered with only {@code prefix} in its log. */
    private static int deliverable(List<SafeRecord> prefix, List<SafeRecord> full) {
        List<SafeRecord> ordered = new ArrayList<>();
        for (SafeRecord r : prefix) {
            if (!(r instanceof SafeRecord.SafeData d) || isOrdered(prefix, d)) {
                ordered.add(r);
            }
        }
        List<String> now = history(ordered);
        List<String> later = history(full);
        int k = 0;
        while (k < now.size() && k < later.size() && now.get(k).equals(later.get(k)) && later.get(k).startsWith("1:")) {
            k++;
        }
        return k;
    }

    private static boolean isOrdered(List<SafeRecord> log, SafeRecord.SafeData d) {
        if (!d.last()) {
            return true;
        }
        for (SafeRecord r : log) {
            if (r instanceof SafeRecord.Token t) {
                for (int i = 0; i < t.ranks().length; i++) {
                    if (t.ranks()[i] == d.rank() && t.seqs()[i] == d.seq()) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** What the writer leaves: the view's ViewInstalled, the checkpoint, then what the compaction keeps. */
    private static List<SafeRecord> rewritten(List<SafeRecord> prefix, long covered, long checkpointId) {
        Optional<List<SafeRecord>> kept = SafeHistory.compaction(prefix, 1, covered);
        if (kept.isEmpty()) {
            return null;
        }
        List<SafeRecord> log = new ArrayList<>();
        log.add(prefix.get(0));
        log.add(new SafeRecord.Checkpoint(1, covered, checkpointId));
        log.addAll(kept.get());
        return log;
    }

    @Test
    void aViewRewrittenAfterACheckpointRecoversTheSameHistoryAsTheFullLogAtEveryPosition() {
        int compacted = 0;
        for (long seed = 1; seed <= 40; seed++) {
            List<SafeRecord> full = scenario(seed);
            int cutAt = full.indexOf(full.stream().filter(r -> r instanceof SafeRecord.Cut).findFirst().orElseThrow());
            for (int end = 1; end <= cutAt; end++) {
                List<SafeRecord> prefix = full.subList(0, end);
                List<SafeRecord> rest = full.subList(end, full.size());
                int max = deliverable(prefix, full);
                for (int covered = 1; covered <= max; covered++) {
                    List<SafeRecord> expectedLog = new ArrayList<>(prefix);
                    expectedLog.add(new SafeRecord.Checkpoint(1, covered, 1));
                    expectedLog.addAll(rest);
                    List<String> expected = history(expectedLog);

                    List<SafeRecord> rewritten = rewritten(prefix, covered, 1);
                    if (rewritten == null) {
                        continue;
                    }
                    compacted++;
                    List<SafeRecord> truncated = new ArrayList<>(rewritten);
                    truncated.addAll(rest);
                    assertThat(history(truncated)).as("seed %d, end %d, covered %d", seed, end, covered)
                            .isEqualTo(expected);

                    // A crash between writing the new segment and deleting the old ones.
                    List<SafeRecord> crashed = new ArrayList<>(prefix);
                    crashed.add(new SafeRecord.Checkpoint(1, covered, 1));
                    crashed.addAll(rewritten);
                    crashed.addAll(rest);
                    assertThat(history(crashed)).as("crash: seed %d, end %d, covered %d", seed, end, covered)
                            .isEqualTo(expected);
                }
            }
        }
        assertThat(compacted).as("positions where the view was rewritten").isGreaterThan(1000);
    }

    @Test
    void aViewRewrittenTwiceStillRecoversTheSameHistory() {
        int checked = 0;
        for (long seed = 1; seed <= 40; seed++) {
            List<SafeRecord> full = scenario(seed);
            int cutAt = full.indexOf(full.stream().filter(r -> r instanceof SafeRecord.Cut).findFirst().orElseThrow());
            int first = cutAt / 3;
            int second = 2 * cutAt / 3;
            int k1 = deliverable(full.subList(0, first), full) / 2;
            int k2 = deliverable(full.subList(0, second), full);
            List<SafeRecord> once = k1 > 0 ? rewritten(full.subList(0, first), k1, 1) : null;
            if (once == null || k2 <= k1) {
                continue;
            }
            once.addAll(full.subList(first, second));
            List<SafeRecord> twice = rewritten(once, k2, 2);
            if (twice == null) {
                continue;
            }
            twice.addAll(full.subList(second, full.size()));
            List<SafeRecord> expectedLog = new ArrayList<>(full);
            expectedLog.add(new SafeRecord.Checkpoint(1, k2, 2));
            assertThat(history(twice)).as("seed %d", seed).isEqualTo(history(expectedLog));
            checked++;
        }
        assertThat(checked).isGreaterThan(10);
    }

    @Test
    void nothingIsRewrittenOnceTheViewHasEndedOrWhenNothingIsCovered() {
        List<SafeRecord> full = scenario(3);
        assertThat(SafeHistory.compaction(full, 1, 1)).as("cut logged").isEmpty();
        assertThat(SafeHistory.compaction(full.subList(0, 20), 1, 0)).isEmpty();
    }
}
