package io.vsync.transport;

import io.vsync.codec.FrameCodec;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the TCP transport.
 *
 * @param bindHost              the interface to listen on
 * @param port                  the port to listen on; 0 for an ephemeral one
 * @param advertisedHost        the host peers reach this engine at (part of its address);
 *                              null means {@code bindHost}
 * @param maxFrameLength        cap on a frame's length field, both ways; the engine fragments
 *                              larger messages ({@link FrameCodec#maxDataPayload()})
 * @param maxQueuedBytesPerPeer frames for one peer that wait beyond this are dropped
 * @param reconnectBackoff      after a failed connect, sends to that peer are dropped for this
 *                              long, so that a dead peer is not hammered
 * @param connectTimeout        a connect that has not completed by then counts as failed
 * @param readBufferSize        direct read buffer per inbound connection
 * @param writeBufferSize       direct write buffer per outbound connection: queued frames are
 *                              coalesced into it, so it is also the largest single write
 */
public record TransportConfig(String bindHost, int port, String advertisedHost, int maxFrameLength,
                              long maxQueuedBytesPerPeer, Duration reconnectBackoff, Duration connectTimeout,
                              int readBufferSize, int writeBufferSize) {

    public static final long DEFAULT_MAX_QUEUED_BYTES_PER_PEER = 64L << 20;
    public static final Duration DEFAULT_RECONNECT_BACKOFF = Duration.ofMillis(50);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_BUFFER_SIZE = 64 * 1024;

    public TransportConfig {
        Objects.requireNonNull(bindHost, "bindHost");
        Objects.requireNonNull(reconnectBackoff, "reconnectBackoff");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port);
        }
        if (maxFrameLength < FrameCodec.MAX_DATA_OVERHEAD + 1) {
            throw new IllegalArgumentException("maxFrameLength " + maxFrameLength + " too small");
        }
        if (maxQueuedBytesPerPeer <= 0 || readBufferSize < 1024 || writeBufferSize < 1024) {
            throw new IllegalArgumentException("queue and buffer sizes must be positive (buffers at least 1 KiB)");
        }
    }

    /** Defaults for listening at {@code bindHost:port}. */
    public static TransportConfig of(String bindHost, int port) {
        return new TransportConfig(bindHost, port, null, FrameCodec.DEFAULT_MAX_FRAME_LENGTH,
                DEFAULT_MAX_QUEUED_BYTES_PER_PEER, DEFAULT_RECONNECT_BACKOFF, DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_BUFFER_SIZE, DEFAULT_BUFFER_SIZE);
    }

    public TransportConfig withAdvertisedHost(String host) {
        return new TransportConfig(bindHost, port, host, maxFrameLength, maxQueuedBytesPerPeer, reconnectBackoff,
                connectTimeout, readBufferSize, writeBufferSize);
    }

    public TransportConfig withMaxFrameLength(int length) {
        return new TransportConfig(bindHost, port, advertisedHost, length, maxQueuedBytesPerPeer, reconnectBackoff,
                connectTimeout, readBufferSize, writeBufferSize);
    }

    public TransportConfig withMaxQueuedBytesPerPeer(long bytes) {
        return new TransportConfig(bindHost, port, advertisedHost, maxFrameLength, bytes, reconnectBackoff,
                connectTimeout, readBufferSize, writeBufferSize);
    }

    public TransportConfig withReconnectBackoff(Duration backoff) {
        return new TransportConfig(bindHost, port, advertisedHost, maxFrameLength, maxQueuedBytesPerPeer, backoff,
                connectTimeout, readBufferSize, writeBufferSize);
    }

    public TransportConfig withConnectTimeout(Duration timeout) {
        return new TransportConfig(bindHost, port, advertisedHost, maxFrameLength, maxQueuedBytesPerPeer,
                reconnectBackoff, timeout, readBufferSize, writeBufferSize);
    }

    public TransportConfig withBufferSizes(int readBytes, int writeBytes) {
        return new TransportConfig(bindHost, port, advertisedHost, maxFrameLength, maxQueuedBytesPerPeer,
                reconnectBackoff, connectTimeout, readBytes, writeBytes);
    }

    String hostToAdvertise() {
        return advertisedHost != null ? advertisedHost : bindHost;
    }
}
