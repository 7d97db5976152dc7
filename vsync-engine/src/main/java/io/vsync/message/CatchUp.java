package io.vsync.message;

/**
 * A member that sees traffic of a later view than its own asks a peer for the commit that
 * ends view {@code viewId}: it missed it, e.g. on a dropped connection.
 */
public record CatchUp(String group, long viewId) implements GroupMessage {
}
