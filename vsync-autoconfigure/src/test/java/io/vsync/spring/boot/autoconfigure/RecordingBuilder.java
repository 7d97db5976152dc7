package io.vsync.spring.boot.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.vsync.api.HistoryListener;
import io.vsync.api.MetricsListener;
import io.vsync.api.PayloadCodec;
import io.vsync.api.VsyncEngine;

/** A builder that records its settings and builds a {@link FakeVsyncEngine}. */
public class RecordingBuilder implements VsyncEngine.Builder {

    public String nodeName;

    public String clusterSecret;

    public java.nio.file.Path clusterSecretFile;

    @Override
    public RecordingBuilder clusterSecret(String secret) {
        this.clusterSecret = secret;
        return this;
    }

    @Override
    public RecordingBuilder clusterSecretFile(java.nio.file.Path file) {
        this.clusterSecretFile = file;
        return this;
    }

    public final java.util.Map<String, io.vsync.durability.SafeLogConfig> safeLogs = new java.util.LinkedHashMap<>();

    @Override
    public RecordingBuilder safeLog(String group, io.vsync.durability.SafeLogConfig config) {
        this.safeLogs.put(group, config);
        return this;
    }

    public String host;

    public int port = -1;

    public List<String> seeds;

    public Duration heartbeatInterval;

    public Duration failureTimeout;

    public int maxMessageSize;

    public long sendWindow;

    public PayloadCodec codec;

    public HistoryListener historyListener;

    public String advertiseAddress;

    public MetricsListener metricsListener;

    @Override
    public VsyncEngine.Builder advertiseAddress(String host) {
        this.advertiseAddress = host;
        return this;
    }

    @Override
    public VsyncEngine.Builder metricsListener(MetricsListener listener) {
        this.metricsListener = listener;
        return this;
    }

    @Override
    public VsyncEngine.Builder nodeName(String name) {
        this.nodeName = name;
        return this;
    }

    @Override
    public VsyncEngine.Builder bind(String host, int port) {
        this.host = host;
        this.port = port;
        return this;
    }

    @Override
    public VsyncEngine.Builder seeds(String... hostPorts) {
        return seeds(List.of(hostPorts));
    }

    @Override
    public VsyncEngine.Builder seeds(List<String> hostPorts) {
        this.seeds = List.copyOf(hostPorts);
        return this;
    }

    @Override
    public VsyncEngine.Builder heartbeatInterval(Duration interval) {
        this.heartbeatInterval = interval;
        return this;
    }

    @Override
    public VsyncEngine.Builder failureTimeout(Duration timeout) {
        this.failureTimeout = timeout;
        return this;
    }

    @Override
    public VsyncEngine.Builder maxMessageSize(int bytes) {
        this.maxMessageSize = bytes;
        return this;
    }

    @Override
    public VsyncEngine.Builder sendWindow(long bytes) {
        this.sendWindow = bytes;
        return this;
    }

    @Override
    public VsyncEngine.Builder payloadCodec(PayloadCodec codec) {
        this.codec = codec;
        return this;
    }

    @Override
    public VsyncEngine.Builder historyListener(HistoryListener listener) {
        this.historyListener = listener;
        return this;
    }

    @Override
    public VsyncEngine build() {
        return new FakeVsyncEngine(this.nodeName);
    }

}
