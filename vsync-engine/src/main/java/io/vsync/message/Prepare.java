package io.vsync.message;

/** Phase 1 of a view change out of view {@code viewId}: wedge and report what you hold. */
public record Prepare(String group, long viewId, Ballot ballot) implements GroupMessage {
}
