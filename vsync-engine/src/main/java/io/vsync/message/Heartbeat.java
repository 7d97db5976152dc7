package io.vsync.message;

/**
 * Process-level liveness, one stream per pair of engines whatever the number of shared groups.
 *
 * @param incarnation the sending engine's incarnation: a change means the peer restarted, so
 *                    every member hosted by its earlier incarnation has failed
 */
public record Heartbeat(long incarnation) implements ProtocolMessage {
}
