package io.vsync.message;

import io.vsync.api.MemberId;

/**
 * Tells {@code member} that it is not in the group's current view {@code currentViewId}: it
 * was removed while it was paused or cut off, and must rejoin as a new incarnation. The member
 * is null when the stale frame did not say who sent it (an acknowledgement): the receiver then
 * asks for the commit it missed to find out.
 */
public record NotMember(String group, long currentViewId, MemberId member) implements GroupMessage {
}
