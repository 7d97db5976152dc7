package io.vsync.message;

/** Phase 2: accept this decision for the change out of {@code viewId}. */
public record Accept(String group, long viewId, Ballot ballot, Decision decision) implements GroupMessage {
}
