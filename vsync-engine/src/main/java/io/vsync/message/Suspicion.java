package io.vsync.message;

import io.vsync.api.MemberId;

/** Tells the leader that the sender can no longer hear {@code suspect}. */
public record Suspicion(String group, long viewId, MemberId suspect) implements GroupMessage {
}
