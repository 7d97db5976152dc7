package io.vsync.protocol;

import java.util.List;

/**
 * The settings of the protocol core. Times are in milliseconds of whatever clock feeds the
 * core: the wall clock under the runtime, the virtual clock under the simulator.
 *
 * @param localAddress        {@code host:port} this engine listens on
 * @param processIncarnation  distinguishes this process from earlier ones at the same address:
 *                            its start time in milliseconds on a clock all processes share (the
 *                            runtime uses the wall clock); must grow across restarts and stay
 *                            below 2^47
 * @param seeds               addresses asked when joining a group
 * @param heartbeatIntervalMs interval between heartbeats to each peer process
 * @param failureTimeoutMs    silence after which a peer process is suspected
 * @param viewChangeTimeoutMs how long a proposer waits for answers before acting on a majority
 * @param retransmitIntervalMs how long a gap may stay unfilled before it is asked for again
 * @param joinRetryMs         interval between join attempts
 * @param fragmentSize        largest payload slice carried by one frame
 */
public record ProtocolConfig(String localAddress, long processIncarnation, List<String> seeds,
                             long heartbeatIntervalMs, long failureTimeoutMs, long viewChangeTimeoutMs,
                             long retransmitIntervalMs, long joinRetryMs, int fragmentSize) {

    /** Bits of a member incarnation below the process incarnation: joins per process. */
    public static final int JOIN_BITS = 16;

    public ProtocolConfig {
        seeds = List.copyOf(seeds);
        if (heartbeatIntervalMs <= 0) {
            throw new IllegalArgumentException("heartbeat interval must be positive");
        }
        if (failureTimeoutMs <= heartbeatIntervalMs) {
            throw new IllegalArgumentException("failure timeout (" + failureTimeoutMs
                    + " ms) must be longer than the heartbeat interval (" + heartbeatIntervalMs + " ms)");
        }
        if (processIncarnation < 0 || processIncarnation >= (1L << 47)) {
            throw new IllegalArgumentException("process incarnation out of range: " + processIncarnation);
        }
        if (fragmentSize < 1024) {
            throw new IllegalArgumentException("fragment size must be at least 1024 bytes");
        }
    }

    /** Defaults suited to a LAN, around the given failure detection settings. */
    public static ProtocolConfig of(String localAddress, long processIncarnation, List<String> seeds,
                                    long heartbeatIntervalMs, long failureTimeoutMs) {
        return new ProtocolConfig(localAddress, processIncarnation, seeds, heartbeatIntervalMs, failureTimeoutMs,
                Math.max(50, failureTimeoutMs / 2), 20, Math.max(20, heartbeatIntervalMs), 60 * 1024);
    }

    /** The process incarnation a member incarnation was created by. */
    public static long processOf(long memberIncarnation) {
        return memberIncarnation >>> JOIN_BITS;
    }
}
