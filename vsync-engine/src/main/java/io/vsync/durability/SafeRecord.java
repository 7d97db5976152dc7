package io.vsync.durability;

import io.vsync.api.MemberId;
import java.util.List;

/**
 * One record of a group's safeSend log. The protocol core produces them (it knows what must be
 * durable before it may acknowledge); the runtime writes them ({@link SafeLogWriter}); recovery
 * reads them back ({@link SafeLogReader}) and computes the history ({@link SafeHistory}).
 * Pure data: no I/O here, so the core may depend on it.
 */
public sealed interface SafeRecord {

    /** The view the record belongs to. */
    long viewId();

    /**
     * A view this member installed.
     *
     * @param founded true when this member created the group (its history continues its own log);
     *                false when it was admitted to a live group (its state came by state transfer)
     */
    record ViewInstalled(long viewId, List<MemberId> members, boolean founded) implements SafeRecord {
        public ViewInstalled {
            members = List.copyOf(members);
        }
    }

    /** One fragment (or the whole) of a safeSend message, held contiguously in its sender's stream. */
    record SafeData(long viewId, MemberId sender, int rank, long seq, long msgNo, boolean last, byte[] payload)
            implements SafeRecord {
    }

    /**
     * An order token: the slots it assigns, as (rank, seq) pairs. Tokens hold orderedSend
     * messages too; recovery skips a slot whose data is not a logged safeSend.
     */
    record Token(long viewId, long tokenSeq, int[] ranks, long[] seqs) implements SafeRecord {
    }

    /** The cut that ended the view: per rank the last message delivered in it, and the last token. */
    record Cut(long viewId, long[] trim, long tokenTrim) implements SafeRecord {
    }

    /**
     * The application's state was saved (file {@code checkpoint-<id>.state}) after it had
     * delivered the first {@code covered} messages of view {@code viewId}'s safe history: the
     * history before that point is in the state, and older segments can go.
     */
    record Checkpoint(long viewId, long covered, long id) implements SafeRecord {
    }

    /**
     * Everything of view {@code viewId} logged before this record is replaced by what follows
     * it: a checkpoint holds the view's first {@code covered} safe messages, and the log was
     * rewritten to keep only what recovery still needs. Order resumes with the slots
     * ({@code ranks}, {@code seqs}) that token {@code nextToken - 1} assigned after the last
     * covered message, then with the tokens from {@code nextToken} on.
     */
    record Compacted(long viewId, long covered, long nextToken, int[] ranks, long[] seqs) implements SafeRecord {
    }
}
