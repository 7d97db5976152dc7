package io.vsync.durability;

import io.vsync.api.MemberId;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The safeSend history a log holds, computed the way {@code ViewStreams} delivers: per view,
 * the token slots in order (beyond the cut skipped, when the view ended), then the messages no
 * token ordered, by rank and sequence number. Deduplicated by (sender, message number): a
 * message the cut left out was sent again in the next view under the same number.
 *
 * <p>Every member acknowledges a safeSend, and the token that orders it, only once its log
 * holds them, and delivery waits for every member's acknowledgement: so every message delivered
 * anywhere is in every member's log, in this order. A log may hold more at its end (messages no
 * one delivered yet); they are replayed too, which is allowed: they were sent.
 */
public final class SafeHistory {

    /** One recovered safeSend. */
    public record Message(long viewId, MemberId sender, long msgNo, byte[] payload) {
    }

    /**
     * Where the history starts: a checkpoint (its state file) or a join into a live group (whose
     * state came by transfer and was not saved), else the beginning.
     */
    public record Start(long viewId, long covered, long checkpointId) {
        static final Start BEGINNING = new Start(Long.MIN_VALUE, 0, -1);

        public boolean hasState() {
            return checkpointId >= 0;
        }
    }

    private final List<Message> messages;
    private final Start start;
    private final long lastViewId;

    private SafeHistory(List<Message> messages, Start start, long lastViewId) {
        this.messages = List.copyOf(messages);
        this.start = start;
        this.lastViewId = lastViewId;
    }

    /** The messages to replay, after loading the start's state if it has one. */
    public List<Message> messages() {
        return messages;
    }

    public Start start() {
        return start;
    }

    /** The highest view id the log reached (0 for an empty log): the creation tie-break's position. */
    public long lastViewId() {
        return lastViewId;
    }

    /**
     * @param records          the log's records in file order
     * @param checkpointExists whether a checkpoint's state file is present and complete
     */
    public static SafeHistory of(List<SafeRecord> records, java.util.function.LongPredicate checkpointExists) {
        Start start = Start.BEGINNING;
        long lastViewId = 0;
        TreeMap<Long, ViewLog> views = new TreeMap<>();
        for (SafeRecord record : records) {
            lastViewId = Math.max(lastViewId, record.viewId());
            if (record instanceof SafeRecord.ViewInstalled v) {
                views.computeIfAbsent(v.viewId(), id -> new ViewLog());
                if (!v.founded()) {
                    start = new Start(v.viewId(), 0, -1);
                }
            } else if (record instanceof SafeRecord.SafeData d) {
                views.computeIfAbsent(d.viewId(), id -> new ViewLog()).data.put(key(d.rank(), d.seq()), d);
            } else if (record instanceof SafeRecord.Token t) {
                views.computeIfAbsent(t.viewId(), id -> new ViewLog()).tokens.put(t.tokenSeq(), t);
            } else if (record instanceof SafeRecord.Cut c) {
                views.computeIfAbsent(c.viewId(), id -> new ViewLog()).cut = c;
            } else if (record instanceof SafeRecord.Compacted c) {
                // The rewritten view supersedes whatever of it came before (the old segments a
                // crash kept before the writer could delete them): same history, no duplicates.
                views.put(c.viewId(), new ViewLog(c));
            } else if (record instanceof SafeRecord.Checkpoint c && checkpointExists.test(c.id())) {
                start = new Start(c.viewId(), c.covered(), c.id());
            }
        }
        List<Message> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Map.Entry<Long, ViewLog> entry : views.entrySet()) {
            long viewId = entry.getKey();
            if (viewId < start.viewId()) {
                continue;
            }
            ViewLog view = entry.getValue();
            List<Message> sequence = view.sequence(viewId);
            // A rewritten view's sequence starts at position view.base, not 0.
            int skip = viewId == start.viewId()
                    ? (int) Math.min(Math.max(0, start.covered() - view.base), sequence.size()) : 0;
            for (Message m : sequence.subList(skip, sequence.size())) {
                if (seen.add(m.sender() + "/" + m.msgNo())) {
                    out.add(m);
                }
            }
        }
        return new SafeHistory(out, start, lastViewId);
    }

    private static long key(int rank, long seq) {
        return ((long) rank << 48) ^ seq;
    }

    /**
     * What the writer re-logs for view {@code viewId} once a checkpoint covers its first
     * {@code covered} safe messages: a {@link SafeRecord.Compacted} marker, then the data of
     * every message not covered and the tokens not yet fully used, such that
     * {@link #of} computes the same history from them (after the same checkpoint) as from the
     * full log. Empty when there is nothing to drop, or when the position is not one this can
     * express (the view already ended, or the covered prefix is not all in the log): the
     * segments then wait for a checkpoint in a later view, as before.
     *
     * @param records the log's records of that view, in file order (others are ignored)
     */
    static Optional<List<SafeRecord>> compaction(List<SafeRecord> records, long viewId, long covered) {
        ViewLog view = new ViewLog();
        for (SafeRecord record : records) {
            if (record.viewId() != viewId) {
                continue;
            }
            if (record instanceof SafeRecord.SafeData d) {
                view.data.put(key(d.rank(), d.seq()), d);
            } else if (record instanceof SafeRecord.Token t) {
                view.tokens.put(t.tokenSeq(), t);
            } else if (record instanceof SafeRecord.Cut c) {
                view.cut = c;
            } else if (record instanceof SafeRecord.Compacted c) {
                view = new ViewLog(c);
            }
        }
        return view.compaction(viewId, covered);
    }

    /** One view's records. */
    private static final class ViewLog {
        final Map<Long, SafeRecord.SafeData> data = new HashMap<>();
        final TreeMap<Long, SafeRecord.Token> tokens = new TreeMap<>();
        SafeRecord.Cut cut;
        /** Position in the view's safe history of the first message this log still holds. */
        final long base;
        /** The first token this log still holds: the ones before were used up by the covered messages. */
        final long firstToken;
        /** The rest of token {@code firstToken - 1}: its slots after the last covered message. */
        final int[] baseRanks;
        final long[] baseSeqs;

        ViewLog() {
            this.base = 0;
            this.firstToken = 1;
            this.baseRanks = new int[0];
            this.baseSeqs = new long[0];
        }

        ViewLog(SafeRecord.Compacted c) {
            this.base = c.covered();
            this.firstToken = c.nextToken();
            this.baseRanks = c.ranks();
            this.baseSeqs = c.seqs();
        }

        /** Calls {@code slot} for every slot in order until it returns false; @return whether all were seen. */
        private boolean walk(SlotVisitor slot) {
            long tokenLimit = cut != null ? cut.tokenTrim() : Long.MAX_VALUE;
            if (firstToken - 1 <= tokenLimit) {
                for (int i = 0; i < baseRanks.length; i++) {
                    if (!slot.visit(firstToken - 1, baseRanks, baseSeqs, i)) {
                        return false;
                    }
                }
            }
            for (long t = firstToken; t <= tokenLimit && tokens.containsKey(t); t++) {
                SafeRecord.Token token = tokens.get(t);
                for (int i = 0; i < token.ranks().length; i++) {
                    if (!slot.visit(t, token.ranks(), token.seqs(), i)) {
                        return false;
                    }
                }
            }
            return true;
        }

        private interface SlotVisitor {
            boolean visit(long tokenSeq, int[] ranks, long[] seqs, int index);
        }

        List<Message> sequence(long viewId) {
            List<Message> out = new ArrayList<>();
            Set<Long> slotted = new HashSet<>();
            walk((t, ranks, seqs, i) -> {
                int rank = ranks[i];
                long seq = seqs[i];
                if (slotted.add(key(rank, seq)) && !beyondCut(rank, seq)) {
                    List<SafeRecord.SafeData> fragments = fragments(rank, seq);
                    if (fragments != null) {
                        out.add(message(viewId, fragments));
                    }
                }
                return true;
            });
            List<SafeRecord.SafeData> tail = new ArrayList<>();
            for (SafeRecord.SafeData d : data.values()) {
                if (d.last() && !slotted.contains(key(d.rank(), d.seq())) && !beyondCut(d.rank(), d.seq())) {
                    tail.add(d);
                }
            }
            tail.sort((a, b) -> a.rank() != b.rank() ? Integer.compare(a.rank(), b.rank()) : Long.compare(a.seq(), b.seq()));
            for (SafeRecord.SafeData d : tail) {
                List<SafeRecord.SafeData> fragments = fragments(d.rank(), d.seq());
                if (fragments != null) {
                    out.add(message(viewId, fragments));
                }
            }
            return out;
        }

        /**
         * Walks the order as {@link #sequence} does up to the {@code covered}-th message: every
         * slot up to it was delivered (delivery follows the order, and a safe message is in the
         * log before anyone delivers it), so a slot without data there was an orderedSend.
         * Dropped: the covered messages' fragments and the tokens before the one holding the
         * last covered message; that token's later slots are carried in the marker. A slot a
         * later token repeats finds no data once dropped, which is what the dropped
         * "already slotted" set did in the full log.
         */
        Optional<List<SafeRecord>> compaction(long viewId, long covered) {
            long toDrop = covered - base;
            if (cut != null || toDrop <= 0) {
                return Optional.empty();
            }
            Set<Long> slotted = new HashSet<>();
            Set<Long> dropped = new HashSet<>();
            long[] counted = {0};
            SafeRecord.Compacted[] marker = new SafeRecord.Compacted[1];
            walk((t, ranks, seqs, i) -> {
                if (slotted.add(key(ranks[i], seqs[i]))) {
                    List<SafeRecord.SafeData> fragments = fragments(ranks[i], seqs[i]);
                    if (fragments != null) {
                        for (SafeRecord.SafeData d : fragments) {
                            dropped.add(key(d.rank(), d.seq()));
                        }
                        if (++counted[0] == toDrop) {
                            marker[0] = new SafeRecord.Compacted(viewId, covered, t + 1,
                                    Arrays.copyOfRange(ranks, i + 1, ranks.length),
                                    Arrays.copyOfRange(seqs, i + 1, seqs.length));
                            return false;
                        }
                    }
                }
                return true;
            });
            if (marker[0] == null) {
                return Optional.empty();
            }
            List<SafeRecord> kept = new ArrayList<>();
            kept.add(marker[0]);
            List<SafeRecord.SafeData> pending = new ArrayList<>();
            for (SafeRecord.SafeData d : data.values()) {
                if (!dropped.contains(key(d.rank(), d.seq()))) {
                    pending.add(d);
                }
            }
            pending.sort((a, b) -> a.rank() != b.rank() ? Integer.compare(a.rank(), b.rank()) : Long.compare(a.seq(), b.seq()));
            kept.addAll(pending);
            kept.addAll(tokens.tailMap(marker[0].nextToken()).values());
            return Optional.of(kept);
        }

        private boolean beyondCut(int rank, long seq) {
            return cut != null && (rank < 0 || rank >= cut.trim().length || seq > cut.trim()[rank]);
        }

        /** The fragments of the message whose last fragment is (rank, seq), or null if the log lacks its end. */
        private List<SafeRecord.SafeData> fragments(int rank, long seq) {
            SafeRecord.SafeData last = data.get(key(rank, seq));
            if (last == null || !last.last()) {
                return null;
            }
            List<SafeRecord.SafeData> fragments = new ArrayList<>();
            fragments.add(last);
            for (long s = seq - 1; s > 0; s--) {
                SafeRecord.SafeData d = data.get(key(rank, s));
                if (d == null || d.last() || d.msgNo() != last.msgNo()) {
                    break;
                }
                fragments.add(0, d);
            }
            return fragments;
        }

        private static Message message(long viewId, List<SafeRecord.SafeData> fragments) {
            SafeRecord.SafeData last = fragments.get(fragments.size() - 1);
            byte[] payload;
            if (fragments.size() == 1) {
                payload = last.payload();
            } else {
                ByteArrayOutputStream joined = new ByteArrayOutputStream();
                for (SafeRecord.SafeData d : fragments) {
                    joined.writeBytes(d.payload());
                }
                payload = joined.toByteArray();
            }
            return new Message(viewId, last.sender(), last.msgNo(), payload);
        }
    }
}
