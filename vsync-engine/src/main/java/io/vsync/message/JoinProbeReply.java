package io.vsync.message;

import io.vsync.api.MemberId;

/**
 * A seed's answer to a {@link JoinProbe}.
 *
 * @param leader     the leader of the seed's current view when the seed is a member, else null
 * @param joining    the lowest-addressed process the seed knows to be trying to join or create
 *                   the group (itself included), else null: the deterministic creation
 *                   tie-break, carried through seeds so that two joiners that cannot hear each
 *                   other directly still see each other
 * @param lastViewId the highest view id of the group the seed knows of (0 for none): a group
 *                   created again after it was lost continues the numbering, so view ids are
 *                   never reused
 */
public record JoinProbeReply(String group, MemberId leader, MemberId joining, long lastViewId)
        implements GroupMessage {
}
