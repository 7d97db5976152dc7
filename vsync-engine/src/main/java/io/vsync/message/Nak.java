package io.vsync.message;

/**
 * Asks the receiver to send again part of a stream it holds (after a dropped connection).
 *
 * @param streamRank rank of the stream's sender, or {@link #SEQUENCER} for the order tokens
 */
public record Nak(String group, long viewId, int streamRank, long fromSeq, long toSeq) implements GroupMessage {
    public static final int SEQUENCER = -1;
}
