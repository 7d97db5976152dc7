package io.vsync.message;

/** The receiver already promised a higher ballot for the change out of {@code viewId}. */
public record Reject(String group, long viewId, Ballot promised) implements GroupMessage {
}
