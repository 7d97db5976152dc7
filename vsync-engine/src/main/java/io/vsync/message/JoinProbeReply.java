package io.vsync.message;

import io.vsync.api.MemberId;

/**
 * A seed's answer to a {@link JoinProbe}.
 *
 * @param leader          the leader of the seed's current view when the seed is a member, else null
 * @param joining         the process the seed knows to be trying to join or create the group
 *                        (itself included) that would win the creation tie-break (highest
 *                        recovered position, then lowest address), else null: carried through
 *                        seeds so that two joiners that cannot hear each other directly still
 *                        see each other
 * @param lastViewId      the highest view id of the group the seed knows of (0 for none): a group
 *                        created again after it was lost continues the numbering, so view ids are
 *                        never reused
 * @param joiningPosition the recovered position of {@code joining} (see {@link JoinProbe#position})
 */
public record JoinProbeReply(String group, MemberId leader, MemberId joining, long lastViewId, long joiningPosition)
        implements GroupMessage {

    public JoinProbeReply(String group, MemberId leader, MemberId joining, long lastViewId) {
        this(group, leader, joining, lastViewId, 0);
    }
}
