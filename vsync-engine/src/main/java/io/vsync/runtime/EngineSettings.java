package io.vsync.runtime;

import io.vsync.api.HistoryListener;
import io.vsync.api.MetricsListener;
import io.vsync.api.PayloadCodec;
import java.time.Duration;
import java.util.List;

/** Everything an engine is built from; validated once, here, with messages that say what is wrong. */
record EngineSettings(String nodeName, String bindHost, int port, String advertisedHost, List<String> seeds,
                      Duration heartbeatInterval,
                      Duration failureTimeout, int maxMessageSize, long sendWindow, Duration sendTimeout,
                      PayloadCodec codec, HistoryListener history, MetricsListener metrics,
                      TransportFactory transportFactory,
                      io.vsync.durability.SafeLogConfig safeLog,
                      java.util.Map<String, io.vsync.durability.SafeLogConfig> groupSafeLogs) {

    /** The safeSend log of {@code group}, or null for none. */
    io.vsync.durability.SafeLogConfig safeLogOf(String group) {
        io.vsync.durability.SafeLogConfig own = groupSafeLogs.get(group);
        return own != null ? own : safeLog;
    }

    /** Largest message the engine fragments and reassembles. */
    static final int MAX_MESSAGE_SIZE_LIMIT = 64 * 1024 * 1024;

    EngineSettings {
        seeds = List.copyOf(seeds);
        groupSafeLogs = java.util.Map.copyOf(groupSafeLogs);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        for (String seed : seeds) {
            HostPort.parse(seed);
        }
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
            throw new IllegalArgumentException("heartbeat interval must be positive, got " + heartbeatInterval);
        }
        if (failureTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("failure timeout (" + failureTimeout
                    + ") must be at least twice the heartbeat interval (" + heartbeatInterval + ")");
        }
        if (maxMessageSize <= 0 || maxMessageSize > MAX_MESSAGE_SIZE_LIMIT) {
            throw new IllegalArgumentException("max message size must be between 1 and " + MAX_MESSAGE_SIZE_LIMIT
                    + " bytes, got " + maxMessageSize);
        }
        if (sendWindow < 64 * 1024) {
            throw new IllegalArgumentException("send window must be at least 64 KiB, got " + sendWindow + " bytes");
        }
    }
}
