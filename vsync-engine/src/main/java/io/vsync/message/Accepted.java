package io.vsync.message;

/** A member accepted the decision of {@code ballot}. */
public record Accepted(String group, long viewId, Ballot ballot) implements GroupMessage {
}
