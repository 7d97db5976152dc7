package io.vsync.message;

/**
 * A message of the current view named by its sender's rank in the view and its stream
 * sequence number.
 */
public record MessageRef(int senderRank, long seq) {
}
