package io.vsync.api;

/**
 * Engine-wide counters.
 *
 * @param framesIn        frames received
 * @param framesOut       frames sent
 * @param bytesIn         bytes received
 * @param bytesOut        bytes sent
 * @param droppedFrames   frames dropped as malformed or from an unknown protocol version
 * @param connections     open peer connections
 */
public record EngineStats(long framesIn, long framesOut, long bytesIn, long bytesOut,
                          long droppedFrames, long connections) {
}
