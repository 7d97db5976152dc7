package io.vsync.message;

/**
 * What the sender holds: for each member rank of the view the highest sequence number up to
 * which it holds that member's stream with no gap, and the same for the sequencer stream.
 * A message is delivered only once every member holds it (uniform delivery), which is what
 * lets a view change cut each stream at the minimum without fetching anything.
 */
public record Ack(String group, long viewId, long[] received, long tokensReceived) implements GroupMessage {
}
