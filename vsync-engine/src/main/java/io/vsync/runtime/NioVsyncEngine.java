package io.vsync.runtime;

import io.vsync.api.DeliveryKind;
import io.vsync.api.EngineStats;
import io.vsync.api.Group;
import io.vsync.api.SecurityStatus;
import io.vsync.api.GroupStatus;
import io.vsync.api.HistoryListener;
import io.vsync.api.MetricsListener;
import io.vsync.api.MemberId;
import io.vsync.api.PayloadCodec;
import io.vsync.api.View;
import io.vsync.api.VsyncEngine;
import io.vsync.api.VsyncException;
import io.vsync.codec.JacksonPayloadCodec;
import io.vsync.durability.SafeLogWriter;
import io.vsync.membership.ProtocolNode;
import io.vsync.message.Heartbeat;
import io.vsync.message.ProtocolMessage;
import io.vsync.protocol.Effects;
import io.vsync.protocol.ProtocolConfig;
import io.vsync.transport.NioTransport;
import io.vsync.transport.Transport;
import io.vsync.transport.TransportConfig;
import io.vsync.transport.TransportListener;
import io.vsync.transport.TransportStats;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The engine of a real process: the protocol core on its own thread, the NIO TCP transport,
 * and a delivery thread per group.
 */
public final class NioVsyncEngine implements VsyncEngine {

    private static final System.Logger LOG = System.getLogger(NioVsyncEngine.class.getName());
    /** A segment of a safeSend log is closed past this size (and at every view). */
    private static final long SEGMENT_BYTES = 64L * 1024 * 1024;
    private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private enum State { NEW, RUNNING, STOPPED }

    private final EngineSettings settings;
    private final Map<String, GroupHandle> groups = new ConcurrentHashMap<>();
    private final Core core = new Core();
    /** When frames last arrived from each peer, as seen by the I/O thread. */
    private final Map<String, Long> lastArrival = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vsync-timer");
        t.setDaemon(true);
        return t;
    });
    private volatile State state = State.NEW;
    private volatile String localAddress;
    private volatile long processIncarnation;
    private Transport transport;
    private volatile ProtocolLoop loop;
    private ProtocolNode node;
    /** Protocol thread only: each logged group's writer, and the last ticket handed to one. */
    private final Map<String, SafeLogWriter> safeLogs = new java.util.HashMap<>();
    private long lastTicket;
    private long persistedTicket;

    private NioVsyncEngine(EngineSettings settings) {
        this.settings = settings;
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public synchronized void start() {
        if (state != State.NEW) {
            throw new IllegalStateException("engine already " + (state == State.RUNNING ? "started" : "stopped"));
        }
        String advertised = settings.advertisedHost() != null ? settings.advertisedHost()
                : advertisedHost(settings.bindHost());
        transport = settings.transportFactory().create(TransportConfig.of(settings.bindHost(), settings.port())
                .withAdvertisedHost(advertised), new Inbound());
        try {
            transport.start();
        } catch (IOException e) {
            throw new VsyncException("cannot listen on " + settings.bindHost() + ":" + settings.port()
                    + ": " + e.getMessage() + " (is the port in use?)", e);
        }
        localAddress = transport.localAddress();
        List<String> seeds = new ArrayList<>();
        for (String seed : settings.seeds()) {
            seeds.add(HostPort.parse(seed).canonical());
        }
        long heartbeat = settings.heartbeatInterval().toMillis();
        processIncarnation = System.currentTimeMillis();
        ProtocolConfig config = ProtocolConfig.of(localAddress, processIncarnation, seeds, heartbeat,
                settings.failureTimeout().toMillis());
        node = new ProtocolNode(config, new Outbound(), settings.history(),
                line -> LOG.log(System.Logger.Level.INFO, line));
        long tick = Math.max(1, Math.min(10, heartbeat / 4));
        loop = new ProtocolLoop("vsync-protocol-" + settings.nodeName(), tick, this::onTick, this::endOfBatch);
        state = State.RUNNING;
        loop.submit(transport::batchSendsOfCurrentThread); // first task: before the protocol thread sends anything
        loop.start(transport);
    }

    private void onTick(long now) {
        for (SafeLogWriter writer : safeLogs.values()) {
            // With fsync=interval, what was written while traffic stopped is still forced in time.
            writer.commit(now);
        }
        lastArrival.forEach(node::onHeard);
        node.onTick(now);
        for (GroupHandle group : groups.values()) {
            group.sample();
        }
    }

    private void endOfBatch() {
        node.flush();
        if (lastTicket != persistedTicket) {
            commitSafeLogs();
        }
        // The batch's frames go to the sockets from this thread: no I/O-thread hand-off at low rates.
        transport.endSendBatch();
        for (GroupHandle group : groups.values()) {
            group.handOver();
        }
    }

    /**
     * Group commit: the batch's records go to the logs with one write (and, by policy, one
     * fsync) per group, then the core may acknowledge them; the acknowledgements go out in the
     * second flush. Done on the protocol thread: a separate writer thread would save the
     * protocol thread the fsync, but adds a hand-off each way per batch (docs/operations.md).
     */
    private void commitSafeLogs() {
        long now = ProtocolLoop.nowMs();
        for (Map.Entry<String, SafeLogWriter> entry : safeLogs.entrySet()) {
            SafeLogWriter writer = entry.getValue();
            writer.commit(now);
            io.vsync.durability.SafeLogConfig config = settings.safeLogOf(entry.getKey());
            GroupHandle handle = groups.get(entry.getKey());
            if (handle != null && config != null
                    && writer.checkpointDue(config.checkpointEveryRecords(), config.checkpointEveryBytes())
                    && handle.requestCheckpoint()) {
                writer.checkpointStarted();
            }
        }
        persistedTicket = lastTicket;
        node.onPersisted(now, lastTicket);
        node.flush();
    }

    private static String advertisedHost(String bindHost) {
        try {
            InetAddress address = InetAddress.getByName(bindHost);
            if (address.isAnyLocalAddress()) {
                return InetAddress.getLocalHost().getHostAddress();
            }
            return address.getHostAddress();
        } catch (IOException e) {
            throw new VsyncException("cannot resolve bind address '" + bindHost + "'", e);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (state != State.RUNNING) {
                state = State.STOPPED;
                return;
            }
        }
        List<CompletableFuture<Void>> leaving = new ArrayList<>();
        for (GroupHandle group : groups.values()) {
            GroupStatus status = group.status();
            if (status != GroupStatus.IDLE && status != GroupStatus.LEFT) {
                leaving.add(group.leaveAsync());
            }
        }
        try {
            CompletableFuture.allOf(leaving.toArray(CompletableFuture[]::new))
                    // Longer than the core's own give-up on a stalled leave (two failure timeouts).
                    .get(Math.max(3_000, 4 * settings.failureTimeout().toMillis()), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "not every group was left cleanly before shutdown: {0}", e.toString());
        }
        synchronized (this) {
            state = State.STOPPED;
        }
        stopThreads();
    }

    /** Stops the protocol thread, the transport, the timer and the delivery threads. */
    private void stopThreads() {
        loop.stop();
        // Records of the last batches are already with the OS; closing forces them (a crash
        // test's "crash" keeps what the OS has, as kill -9 would).
        for (SafeLogWriter writer : safeLogs.values()) {
            try {
                writer.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "closing a safeSend log: {0}", e.getMessage());
            }
        }
        transport.close();
        scheduler.shutdownNow();
        for (GroupHandle group : groups.values()) {
            group.shutdown();
        }
    }

    /**
     * Stops as a crash would: no leave, connections simply close. For tests of failure
     * handling in this JVM; peers see what they would see after {@code kill -9}.
     */
    void crashForTest() {
        synchronized (this) {
            if (state != State.RUNNING) {
                return;
            }
            state = State.STOPPED;
        }
        stopThreads();
    }

    // ---------------------------------------------------------------- groups

    @Override
    public Group group(String name) {
        Objects.requireNonNull(name, "name");
        if (!GROUP_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid group name '" + name
                    + "': use 1 to 100 of the characters A-Z a-z 0-9 . _ -");
        }
        return groups.computeIfAbsent(name, n -> new GroupHandle(n, core, settings.sendWindow()));
    }

    @Override
    public Collection<Group> groups() {
        return List.copyOf(groups.values());
    }

    @Override
    public String nodeName() {
        return settings.nodeName();
    }

    @Override
    public String localAddress() {
        return localAddress != null ? localAddress : settings.bindHost() + ":" + settings.port();
    }

    @Override
    public boolean isRunning() {
        return state == State.RUNNING;
    }

    @Override
    public EngineStats stats() {
        if (transport == null) {
            return new EngineStats(0, 0, 0, 0, 0, 0);
        }
        TransportStats t = transport.stats();
        long protocolDrops = node == null ? 0 : node.droppedFrames();
        return new EngineStats(t.framesIn(), t.framesOut(), t.bytesIn(), t.bytesOut(),
                t.malformedFrames() + protocolDrops, t.openConnections());
    }

    @Override
    public SecurityStatus securityStatus() {
        return transport instanceof io.vsync.security.SecureTransport secure ? secure.securityStatus()
                : SecurityStatus.off();
    }

    @Override
    public String toString() {
        return "VsyncEngine[" + settings.nodeName() + " at " + localAddress() + ", " + state + "]";
    }

    // ---------------------------------------------------------------- wiring

    /** Network events, on the transport's I/O thread: handed to the protocol thread. */
    private final class Inbound implements TransportListener {
        @Override
        public void onMessage(String fromAddress, ProtocolMessage message) {
            ProtocolLoop running = loop;
            if (running == null) {
                // A peer spoke in the instant between binding and the protocol thread's start:
                // dropped, as a frame lost in flight would be; the peer sends again.
                return;
            }
            long now = ProtocolLoop.nowMs();
            Long last = lastArrival.get(fromAddress);
            if (last == null || last != now) { // a burst of frames within one millisecond stores (and boxes) once
                lastArrival.put(fromAddress, now);
            }
            running.submit(() -> node.onMessage(ProtocolLoop.nowMs(), fromAddress, message));
        }

        @Override
        public void onPeerUnreachable(String address) {
            ProtocolLoop running = loop;
            if (running != null) {
                running.submit(() -> node.onPeerUnreachable(ProtocolLoop.nowMs(), address));
            }
        }

        @Override
        public void onConnectionLost(String address) {
            // Not a verdict by itself (links break between live processes), but a strong hint:
            // reconnect at once. A crashed process's OS refuses, which is reported as unreachable
            // and starts the view change now rather than at the next heartbeat. A live peer just
            // gets a heartbeat; frames lost in flight are repaired by retransmission.
            transport.send(address, new Heartbeat(processIncarnation));
        }
    }

    /** The protocol core's actions, on the protocol thread. */
    private final class Outbound implements Effects {
        @Override
        public void send(String address, ProtocolMessage message) {
            transport.send(address, message);
        }

        @Override
        public void send(Collection<String> addresses, ProtocolMessage message) {
            transport.send(addresses, message);
        }

        @Override
        public void deliver(String group, MemberId sender, long msgNo, long viewId, DeliveryKind kind, byte[] payload) {
            GroupHandle handle = groups.get(group);
            if (handle != null) {
                handle.onDeliver(sender, msgNo, viewId, kind, payload);
            }
        }

        @Override
        public void viewInstalled(String group, View view) {
            GroupHandle handle = groups.get(group);
            if (handle != null) {
                handle.onViewInstalled(view);
            }
        }

        @Override
        public void statusChanged(String group, GroupStatus status) {
            GroupHandle handle = groups.get(group);
            if (handle != null) {
                handle.onStatusChanged(status);
            }
        }

        @Override
        public void released(String group, long bytes) {
            GroupHandle handle = groups.get(group);
            if (handle != null) {
                handle.onReleased(bytes);
            }
        }

        @Override
        public void persist(String group, long ticket, io.vsync.durability.SafeRecord record) {
            SafeLogWriter writer = safeLogs.get(group);
            if (writer == null) {
                throw new IllegalStateException("group '" + group + "' has no open safeSend log");
            }
            writer.append(record);
            lastTicket = ticket;
        }
    }

    private final class Core implements EngineCore {
        @Override
        public ProtocolNode node() {
            return node;
        }

        @Override
        public void submit(Runnable task) {
            loop.submit(task);
        }

        @Override
        public PayloadCodec codec() {
            return settings.codec();
        }

        @Override
        public ClassLoader classLoader() {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            return loader != null ? loader : NioVsyncEngine.class.getClassLoader();
        }

        @Override
        public int maxMessageSize() {
            return settings.maxMessageSize();
        }

        @Override
        public long sendTimeoutMs() {
            return settings.sendTimeout().toMillis();
        }

        @Override
        public ScheduledExecutorService scheduler() {
            return scheduler;
        }

        @Override
        public MetricsListener metrics() {
            return settings.metrics();
        }

        @Override
        public io.vsync.durability.SafeLogConfig safeLog(String group) {
            return settings.safeLogOf(group);
        }

        @Override
        public void openSafeLog(String group, io.vsync.durability.SafeLogDirectory dir,
                                io.vsync.durability.SafeLogDirectory.Contents contents) {
            if (!safeLogs.containsKey(group)) {
                safeLogs.put(group, new SafeLogWriter(dir, settings.safeLogOf(group).fsync(), SEGMENT_BYTES, contents));
            }
        }

        @Override
        public void checkpoint(String group, long viewId, long covered, byte[] state) {
            loop.submit(() -> {
                SafeLogWriter writer = safeLogs.get(group);
                if (writer != null) {
                    writer.checkpoint(viewId, covered, state);
                }
            });
        }

        @Override
        public void requireRunning() {
            if (state != State.RUNNING) {
                throw new IllegalStateException("the engine is not running: call start() first");
            }
        }
    }

    // ---------------------------------------------------------------- builder

    /** Collects settings; {@link #build()} validates them all at once. */
    public static final class Builder implements VsyncEngine.Builder {
        private String nodeName;
        private String bindHost = "127.0.0.1";
        private int port = 7800;
        private List<String> seeds = List.of();
        private Duration heartbeatInterval = Duration.ofMillis(100);
        private Duration failureTimeout = Duration.ofSeconds(1);
        private int maxMessageSize = 16 * 1024 * 1024;
        // 2 MiB: each member holds every sender's window of unstable messages, and that is what a
        // young collection copies; 8 MiB made the collections the throughput limit (Finding 14).
        private long sendWindow = 2L * 1024 * 1024;
        private Duration sendTimeout = Duration.ofSeconds(30);
        private PayloadCodec codec;
        private HistoryListener history;
        private String advertisedHost;
        private MetricsListener metrics;
        private TransportFactory transportFactory = NioTransport::new;
        private boolean customTransport;
        private io.vsync.security.SecurityConfig security;
        private io.vsync.durability.SafeLogConfig safeLog;
        private final Map<String, io.vsync.durability.SafeLogConfig> groupSafeLogs = new java.util.HashMap<>();

        private Builder() {
        }

        @Override
        public Builder safeLog(java.nio.file.Path directory, io.vsync.durability.FsyncPolicy fsync) {
            this.safeLog = io.vsync.durability.SafeLogConfig.of(directory, fsync);
            return this;
        }

        @Override
        public Builder safeLog(String group, io.vsync.durability.SafeLogConfig config) {
            groupSafeLogs.put(Objects.requireNonNull(group, "group"), Objects.requireNonNull(config, "config"));
            return this;
        }

        @Override
        public Builder nodeName(String name) {
            this.nodeName = Objects.requireNonNull(name, "nodeName");
            return this;
        }

        @Override
        public Builder bind(String host, int port) {
            this.bindHost = Objects.requireNonNull(host, "host");
            this.port = port;
            return this;
        }

        @Override
        public Builder advertiseAddress(String host) {
            this.advertisedHost = Objects.requireNonNull(host, "host");
            return this;
        }

        @Override
        public Builder metricsListener(MetricsListener listener) {
            this.metrics = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Replaces the TCP transport, e.g. with an in-memory network for tests
         * ({@code io.vsync.testing}).
         */
        public Builder transport(TransportFactory factory) {
            this.transportFactory = Objects.requireNonNull(factory, "factory");
            this.customTransport = true;
            return this;
        }

        @Override
        public Builder clusterSecret(String secret) {
            return secret(io.vsync.security.SecurityConfig.clusterSecret(secret));
        }

        @Override
        public Builder clusterSecretFile(java.nio.file.Path file) {
            return secret(io.vsync.security.SecurityConfig.clusterSecretFile(file));
        }

        /** A cluster secret, keeping TLS when it was set first. */
        private Builder secret(io.vsync.security.SecurityConfig secret) {
            return security(security != null && security.tlsConfig() != null ? secret.withTls(security.tlsConfig())
                    : secret);
        }

        @Override
        public Builder tls(io.vsync.security.TlsConfig tls) {
            return security(security == null ? io.vsync.security.SecurityConfig.tls(tls) : security.withTls(tls));
        }

        /**
         * Authenticates and encrypts all traffic with the cluster secret, TLS certificates, or
         * both (docs/security.md).
         */
        public Builder security(io.vsync.security.SecurityConfig security) {
            this.security = Objects.requireNonNull(security, "security");
            return this;
        }

        @Override
        public Builder seeds(String... hostPorts) {
            return seeds(List.of(hostPorts));
        }

        @Override
        public Builder seeds(List<String> hostPorts) {
            this.seeds = List.copyOf(hostPorts);
            return this;
        }

        @Override
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        @Override
        public Builder failureTimeout(Duration timeout) {
            this.failureTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        @Override
        public Builder maxMessageSize(int bytes) {
            this.maxMessageSize = bytes;
            return this;
        }

        @Override
        public Builder sendWindow(long bytes) {
            this.sendWindow = bytes;
            return this;
        }

        @Override
        public Builder payloadCodec(PayloadCodec codec) {
            this.codec = Objects.requireNonNull(codec, "codec");
            return this;
        }

        @Override
        public Builder historyListener(HistoryListener listener) {
            this.history = Objects.requireNonNull(listener, "listener");
            return this;
        }

        @Override
        public VsyncEngine build() {
            if (security != null && security.tlsConfig() != null && customTransport) {
                throw new IllegalStateException("TLS runs on the TCP transport: it cannot be combined with a custom "
                        + "transport(...)");
            }
            String name = nodeName != null ? nodeName : bindHost + ":" + port;
            EngineSettings settings = new EngineSettings(name, bindHost, port, advertisedHost, seeds,
                    heartbeatInterval, failureTimeout, maxMessageSize, sendWindow, sendTimeout,
                    codec != null ? codec : JacksonPayloadCodec.cbor(),
                    history != null ? history : HistoryListener.NONE,
                    metrics != null ? metrics : new MetricsListener() { }, secured(transportFactory, security),
                    safeLog, groupSafeLogs);
            return new NioVsyncEngine(settings);
        }
    }

    private static TransportFactory secured(TransportFactory plain, io.vsync.security.SecurityConfig security) {
        if (security == null) {
            return plain;
        }
        io.vsync.security.TlsConfig tls = security.tlsConfig();
        TransportFactory carrier = tls == null ? plain
                : (config, listener) -> new NioTransport(config, listener, tls.transportTls());
        return (config, listener) -> new io.vsync.security.SecureTransport(security, config, listener, carrier::create);
    }

}
