package io.vsync.message;

import io.vsync.api.MemberId;

/** Asks the leader to remove {@code member} in the next view: a graceful leave. */
public record LeaveRequest(String group, long viewId, MemberId member) implements GroupMessage {
}
