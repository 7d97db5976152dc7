package io.vsync.api;

import java.util.List;

/**
 * One membership view of a group: every member that installs view {@code id} sees exactly
 * this member list, in rank order (oldest first). The member of rank 0 is the leader.
 *
 * @param group   the group's name
 * @param id      view number: each view's id is one more than the previous one's. A group's
 *                first view takes a number derived from its creator's start time, so that a
 *                group lost and created again never reuses an id
 * @param members members in rank order
 * @param joined  members new in this view
 * @param left    members of the previous view that left gracefully
 * @param failed  members of the previous view that were removed as failed or unreachable
 */
public record View(String group, long id, List<MemberId> members, List<MemberId> joined,
                   List<MemberId> left, List<MemberId> failed) {

    public View {
        members = List.copyOf(members);
        joined = List.copyOf(joined);
        left = List.copyOf(left);
        failed = List.copyOf(failed);
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a view has at least one member");
        }
    }

    /** The member of rank 0: it orders {@code orderedSend} and runs view changes. */
    public MemberId leader() {
        return members.get(0);
    }

    public int size() {
        return members.size();
    }

    /** Rank of the member, or -1 when it is not in this view. */
    public int rankOf(MemberId member) {
        return members.indexOf(member);
    }

    public boolean contains(MemberId member) {
        return members.contains(member);
    }
}
