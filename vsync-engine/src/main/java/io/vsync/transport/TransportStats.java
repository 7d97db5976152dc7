package io.vsync.transport;

/**
 * Counters since start. Frames and bytes count whole frames including their length prefix.
 *
 * @param malformedFrames frames received that could not be decoded, plus connections closed
 *                        for a corrupt stream (bad length or magic, no hello)
 * @param droppedFrames   frames given to {@code send} that were never written: queue over its
 *                        cap, peer in reconnect backoff, queued when a connect failed or a
 *                        connection broke, or sent after close
 * @param openConnections established connections, inbound and outbound
 */
public record TransportStats(long framesIn, long bytesIn, long framesOut, long bytesOut,
                             long malformedFrames, long droppedFrames, int openConnections) {
}
