package io.vsync.message;

import io.vsync.api.MemberId;

/**
 * A seed's answer to a {@link JoinProbe}.
 *
 * @param leader  the leader of the seed's current view when the seed is a member, else null
 * @param joining the seed's own member id when it is itself trying to join or create the
 *                group, else null (used for the deterministic creation tie-break)
 */
public record JoinProbeReply(String group, MemberId leader, MemberId joining) implements GroupMessage {
}
