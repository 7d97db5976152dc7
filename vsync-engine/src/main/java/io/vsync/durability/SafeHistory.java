package io.vsync.durability;

import io.vsync.api.MemberId;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
            List<Message> sequence = entry.getValue().sequence(viewId);
            int skip = viewId == start.viewId() ? (int) Math.min(start.covered(), sequence.size()) : 0;
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

    /** One view's records. */
    private static final class ViewLog {
        final Map<Long, SafeRecord.SafeData> data = new HashMap<>();
        final TreeMap<Long, SafeRecord.Token> tokens = new TreeMap<>();
        SafeRecord.Cut cut;

        List<Message> sequence(long viewId) {
            List<Message> out = new ArrayList<>();
            Set<Long> slotted = new HashSet<>();
            long tokenLimit = cut != null ? cut.tokenTrim() : Long.MAX_VALUE;
            for (long t = 1; t <= tokenLimit && tokens.containsKey(t); t++) {
                SafeRecord.Token token = tokens.get(t);
                for (int i = 0; i < token.ranks().length; i++) {
                    int rank = token.ranks()[i];
                    long seq = token.seqs()[i];
                    if (!slotted.add(key(rank, seq)) || beyondCut(rank, seq)) {
                        continue;
                    }
                    add(out, rank, seq, viewId);
                }
            }
            List<SafeRecord.SafeData> tail = new ArrayList<>();
            for (SafeRecord.SafeData d : data.values()) {
                if (d.last() && !slotted.contains(key(d.rank(), d.seq())) && !beyondCut(d.rank(), d.seq())) {
                    tail.add(d);
                }
            }
            tail.sort((a, b) -> a.rank() != b.rank() ? Integer.compare(a.rank(), b.rank()) : Long.compare(a.seq(), b.seq()));
            for (SafeRecord.SafeData d : tail) {
                add(out, d.rank(), d.seq(), viewId);
            }
            return out;
        }

        private boolean beyondCut(int rank, long seq) {
            return cut != null && (rank < 0 || rank >= cut.trim().length || seq > cut.trim()[rank]);
        }

        /** Appends the message whose last fragment is (rank, seq), if the log holds all of it. */
        private void add(List<Message> out, int rank, long seq, long viewId) {
            SafeRecord.SafeData last = data.get(key(rank, seq));
            if (last == null || !last.last()) {
                return;
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
            out.add(new Message(viewId, last.sender(), last.msgNo(), payload));
        }
    }
}
