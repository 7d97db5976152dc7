package io.vsync.message;

import io.vsync.api.MemberId;
import java.util.List;

/**
 * The outcome of a view change from view {@code newViewId - 1}: who is in the next view, and
 * where each stream of the old view is cut.
 *
 * @param newViewId  the id of the view being installed
 * @param members    next view's members in rank order (survivors keep their relative order,
 *                   joiners follow)
 * @param joined     members new in the next view
 * @param left       old members removed because they asked to leave
 * @param failed     old members removed as failed or unreachable
 * @param trim       per old-view rank: deliver that member's stream up to this sequence number
 * @param tokenTrim  deliver the sequencer stream up to this token
 */
public record Decision(long newViewId, List<MemberId> members, List<MemberId> joined, List<MemberId> left, List<MemberId> failed,
                       long[] trim, long tokenTrim) {
    public Decision {
        members = List.copyOf(members);
        joined = List.copyOf(joined);
        left = List.copyOf(left);
        failed = List.copyOf(failed);
    }
}
