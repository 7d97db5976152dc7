package io.vsync.message;

import io.vsync.api.MemberId;

/** Asks the leader to admit {@code joiner} in the next view. */
public record JoinRequest(String group, MemberId joiner) implements GroupMessage {
}
