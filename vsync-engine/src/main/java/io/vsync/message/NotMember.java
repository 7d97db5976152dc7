package io.vsync.message;

import io.vsync.api.MemberId;

/**
 * Tells {@code member} that it is not in the group's current view {@code currentViewId}: it
 * was removed while it was paused or cut off, and must rejoin as a new incarnation.
 */
public record NotMember(String group, long currentViewId, MemberId member) implements GroupMessage {
}
