package io.vsync.spring.boot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.unit.DataSize;
import org.springframework.util.unit.DataUnit;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration properties of Vsync ({@code vsync.*}).
 *
 * <p>The names of these properties are a public contract. They are validated when they are
 * bound: an invalid value fails the start of the application with a message that names the
 * property and says what is allowed.
 */
@ConfigurationProperties("vsync")
public class VsyncProperties implements Validator {

    /** Default lifecycle phase: after the web server's graceful shutdown, before it stops. */
    public static final int DEFAULT_PHASE = Integer.MAX_VALUE - 1536;

    static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    /** The engine's smallest send window. */
    static final DataSize MIN_SEND_WINDOW = DataSize.ofKilobytes(64);

    /**
     * Name of this node, shown in logs and in the actuator endpoint. Defaults to the host name
     * and port, for example "app-1:7800".
     */
    private @Nullable String nodeName;

    /** Address to listen on. Defaults to every interface (0.0.0.0). */
    private @Nullable String bindAddress;

    /**
     * Host (preferably an IP address) that other members use to reach this node, when it
     * differs from the bind address: binding every interface, NAT, containers. Defaults to the
     * bind address, or to this host's address when binding every interface.
     */
    private @Nullable String advertiseAddress;

    /** Port to listen on; 0 picks a free port. */
    private int port = 7800;

    /**
     * Seed members, as host:port, through which this node finds and joins its groups. A
     * node that finds no member of a group through its seeds creates the group.
     */
    private List<String> seeds = new ArrayList<>();

    /**
     * DNS name whose A records, each with vsync.port, are used as seeds (for example a
     * Kubernetes headless service). Resolved once, at startup.
     */
    private @Nullable String seedDns;

    /** Largest payload that one send accepts. */
    private DataSize maxMessageSize = DataSize.ofMegabytes(16);

    /**
     * Unstable bytes a sender may have outstanding in one group before its sends block
     * (flow control). At least 64KB. Every member keeps each sender's window until its
     * messages are stable; raise it only for links with a long round trip. A message larger
     * than the window takes the whole window.
     */
    private DataSize sendWindow = DataSize.ofMegabytes(2);

    /** Encoding of payloads on the wire, with the application's Jackson settings. */
    private PayloadFormat payloadFormat = PayloadFormat.CBOR;

    private final FailureDetection failureDetection = new FailureDetection();

    private final Lifecycle lifecycle = new Lifecycle();

    private final Handler handler = new Handler();

    private final Health health = new Health();

    private final Security security = new Security();

    /**
     * Groups of this application, by name. Each is a bean named after the group and, unless
     * its join-on-startup is false, is joined when the application starts. Names may contain
     * letters, digits, '.', '_' and '-'.
     */
    private Map<String, GroupOptions> groups = new LinkedHashMap<>();

    public @Nullable String getNodeName() {
        return this.nodeName;
    }

    public void setNodeName(@Nullable String nodeName) {
        this.nodeName = nodeName;
    }

    public @Nullable String getBindAddress() {
        return this.bindAddress;
    }

    public void setBindAddress(@Nullable String bindAddress) {
        this.bindAddress = bindAddress;
    }

    public @Nullable String getAdvertiseAddress() {
        return this.advertiseAddress;
    }

    public void setAdvertiseAddress(@Nullable String advertiseAddress) {
        this.advertiseAddress = advertiseAddress;
    }

    public int getPort() {
        return this.port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public List<String> getSeeds() {
        return this.seeds;
    }

    public void setSeeds(List<String> seeds) {
        this.seeds = seeds;
    }

    public @Nullable String getSeedDns() {
        return this.seedDns;
    }

    public void setSeedDns(@Nullable String seedDns) {
        this.seedDns = seedDns;
    }

    public DataSize getMaxMessageSize() {
        return this.maxMessageSize;
    }

    public void setMaxMessageSize(DataSize maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    public DataSize getSendWindow() {
        return this.sendWindow;
    }

    public void setSendWindow(DataSize sendWindow) {
        this.sendWindow = sendWindow;
    }

    public PayloadFormat getPayloadFormat() {
        return this.payloadFormat;
    }

    public void setPayloadFormat(PayloadFormat payloadFormat) {
        this.payloadFormat = payloadFormat;
    }

    public FailureDetection getFailureDetection() {
        return this.failureDetection;
    }

    public Lifecycle getLifecycle() {
        return this.lifecycle;
    }

    public Handler getHandler() {
        return this.handler;
    }

    public Health getHealth() {
        return this.health;
    }

    public Security getSecurity() {
        return this.security;
    }

    public Map<String, GroupOptions> getGroups() {
        return this.groups;
    }

    public void setGroups(Map<String, GroupOptions> groups) {
        this.groups = groups;
    }

    /** The error handling of the named group: its own settings over the global ones. */
    HandlerErrorHandling errorHandling(String group) {
        GroupOptions options = this.groups.get(group);
        ErrorPolicy policy = this.handler.getErrorPolicy();
        int attempts = this.handler.getMaxAttempts();
        if (options != null) {
            if (options.getErrorPolicy() != null) {
                policy = options.getErrorPolicy();
            }
            if (options.getMaxAttempts() != null) {
                attempts = options.getMaxAttempts();
            }
        }
        return new HandlerErrorHandling(policy, attempts, this.handler.getRetryBackoff());
    }

    // ---------------------------------------------------------------- validation

    @Override
    public boolean supports(Class<?> clazz) {
        return VsyncProperties.class.isAssignableFrom(clazz);
    }

    @Override
    public void validate(Object target, Errors errors) {
        VsyncProperties p = (VsyncProperties) target;
        if (p.nodeName != null && p.nodeName.isBlank()) {
            reject(errors, "node-name", p.nodeName, "must not be blank (leave it unset for host name and port)");
        }
        if (p.advertiseAddress != null) {
            String problem = advertiseAddressProblem(p.advertiseAddress);
            if (problem != null) {
                reject(errors, "advertise-address", p.advertiseAddress, problem);
            }
        }
        if (p.security.clusterSecret != null && p.security.clusterSecretFile != null) {
            // The value is never echoed: it is a secret.
            errors.reject("vsync.invalid", "vsync.security.cluster-secret and vsync.security.cluster-secret-file are "
                    + "both set: set one of them");
        }
        Tls tls = p.security.tls;
        if (tls.enabled) {
            if (tls.keyStore == null) {
                errors.reject("vsync.invalid", "vsync.security.tls.key-store must be set when vsync.security.tls.enabled"
                        + " is true: this member's private key and certificate");
            }
            if (tls.trustStore == null) {
                errors.reject("vsync.invalid", "vsync.security.tls.trust-store must be set when "
                        + "vsync.security.tls.enabled is true: the certificates (usually the cluster's CA) that members'"
                        + " certificates are checked against");
            }
            if (tls.protocols.isEmpty()) {
                errors.reject("vsync.invalid", "vsync.security.tls.protocols must name at least one protocol, e.g. TLSv1.3");
            }
        }
        if (p.port < 0 || p.port > 65535) {
            reject(errors, "port", p.port, "must be between 0 and 65535 (0 picks a free port)");
        }
        for (int i = 0; i < p.seeds.size(); i++) {
            String seed = p.seeds.get(i);
            try {
                HostAndPort.parse(seed);
            }
            catch (IllegalArgumentException ex) {
                reject(errors, "seeds[" + i + "]", seed, ex.getMessage());
            }
        }
        if (p.seedDns != null) {
            if (p.seedDns.isBlank() || p.seedDns.contains(":")) {
                reject(errors, "seed-dns", p.seedDns,
                        "must be a DNS name without port (the seeds listen on vsync.port)");
            }
            else if (p.port == 0) {
                reject(errors, "seed-dns", p.seedDns,
                        "needs a fixed vsync.port: the seeds found through DNS listen on it, but vsync.port is 0");
            }
        }
        Duration interval = p.failureDetection.getHeartbeatInterval();
        Duration timeout = p.failureDetection.getTimeout();
        if (interval.isNegative() || interval.isZero()) {
            reject(errors, "failure-detection.heartbeat-interval", interval, "must be positive");
        }
        else if (timeout.compareTo(interval) <= 0) {
            reject(errors, "failure-detection.timeout", timeout,
                    "must be longer than vsync.failure-detection.heartbeat-interval (" + format(interval)
                            + "): a peer would be suspected between two heartbeats");
        }
        long max = p.maxMessageSize.toBytes();
        if (max <= 0 || max > Integer.MAX_VALUE) {
            reject(errors, "max-message-size", p.maxMessageSize, "must be between 1B and 2047MB");
        }
        if (p.sendWindow.toBytes() < MIN_SEND_WINDOW.toBytes()) {
            reject(errors, "send-window", p.sendWindow, "must be at least " + format(MIN_SEND_WINDOW));
        }
        positive(errors, "lifecycle.join-timeout", p.lifecycle.getJoinTimeout());
        positive(errors, "lifecycle.shutdown-timeout", p.lifecycle.getShutdownTimeout());
        positive(errors, "health.view-change-limit", p.health.getViewChangeLimit());
        if (p.handler.getMaxAttempts() < 1) {
            reject(errors, "handler.max-attempts", p.handler.getMaxAttempts(), "must be at least 1");
        }
        if (p.handler.getRetryBackoff().isNegative()) {
            reject(errors, "handler.retry-backoff", p.handler.getRetryBackoff(), "must not be negative");
        }
        p.groups.forEach((name, options) -> {
            if (!GROUP_NAME.matcher(name).matches()) {
                reject(errors, "groups", name,
                        "'" + name + "' is not a valid group name: allowed are letters, digits, '.', '_' and '-' ([A-Za-z0-9._-]+)");
            }
            else if (options != null && options.getMaxAttempts() != null && options.getMaxAttempts() < 1) {
                reject(errors, "groups." + name + ".max-attempts", options.getMaxAttempts(), "must be at least 1");
            }
            else if (options != null) {
                validateSafeLog(errors, "groups." + name + ".safe-log.", options.getSafeLog());
            }
        });
    }

    private static void validateSafeLog(Errors errors, String prefix, SafeLog log) {
        if (log.getDirectory() == null) {
            return;
        }
        if (log.getDirectory().toString().isBlank()) {
            reject(errors, prefix + "directory", log.getDirectory(), "must not be blank (leave it unset for no log)");
        }
        if (log.getFsync() == SafeLog.Fsync.INTERVAL) {
            positive(errors, prefix + "fsync-interval", log.getFsyncInterval());
        }
        if (log.getCheckpointEvery() < 1) {
            reject(errors, prefix + "checkpoint-every", log.getCheckpointEvery(), "must be at least 1 (records)");
        }
        if (log.getCheckpointEverySize().toBytes() < 1) {
            reject(errors, prefix + "checkpoint-every-size", log.getCheckpointEverySize(), "must be positive");
        }
    }

    private static @Nullable String advertiseAddressProblem(String address) {
        String host = address.trim();
        if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
            return "must be a host name or IP address without spaces (leave it unset for the bind address)";
        }
        if (host.startsWith("[") || host.endsWith("]")) {
            return "must be written without brackets (an IPv6 address as ::1, not [::1]) and without port";
        }
        int colons = (int) host.chars().filter(c -> c == ':').count();
        if (colons == 1) {
            return "must be a host or IP address without port: the port is vsync.port";
        }
        return null;
    }

    private static void positive(Errors errors, String property, Duration value) {
        if (value.isNegative() || value.isZero()) {
            reject(errors, property, value, "must be positive");
        }
    }

    /**
     * Rejects a value. The message names the full property and the value, so that it reads
     * well both in the exception and in Boot's failure analysis.
     */
    private static void reject(Errors errors, String property, Object value, @Nullable String reason) {
        errors.reject("vsync.invalid", "vsync." + property + ": '" + format(value) + "' " + reason);
    }

    private static String format(Object value) {
        if (value instanceof Duration duration) {
            return DurationStyle.SIMPLE.print(duration);
        }
        if (value instanceof DataSize size) {
            long bytes = size.toBytes();
            for (DataUnit unit : new DataUnit[] { DataUnit.TERABYTES, DataUnit.GIGABYTES, DataUnit.MEGABYTES,
                    DataUnit.KILOBYTES }) {
                long unitBytes = DataSize.of(1, unit).toBytes();
                if (bytes != 0 && bytes % unitBytes == 0) {
                    return (bytes / unitBytes) + unit.name().substring(0, 1) + "B";
                }
            }
            return bytes + "B";
        }
        return String.valueOf(value);
    }

    // ---------------------------------------------------------------- nested types

    /** Encoding of payloads on the wire. */
    public enum PayloadFormat {

        /** Binary JSON (RFC 8949): compact and fast; the default. */
        CBOR,

        /** Plain JSON: readable in captures, larger. */
        JSON

    }

    /** What happens when a handler keeps failing on a message. */
    public enum ErrorPolicy {

        /** Log the failure, count it in vsync.handler.errors and go on with the next message. */
        LOG_AND_CONTINUE,

        /**
         * Log and count the failure, stop delivering to this member's handlers and leave the
         * group gracefully; the health indicator turns DOWN. For replicated state that must not
         * diverge.
         */
        FAIL_STOP

    }

    public static class FailureDetection {

        /** Interval between heartbeats to each peer process. */
        private Duration heartbeatInterval = Duration.ofMillis(100);

        /**
         * Silence after which a peer process is suspected and removed from its groups' views.
         * Longer than the heartbeat interval.
         */
        private Duration timeout = Duration.ofSeconds(1);

        public Duration getHeartbeatInterval() {
            return this.heartbeatInterval;
        }

        public void setHeartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
        }

        public Duration getTimeout() {
            return this.timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

    }

    public static class Lifecycle {

        /**
         * SmartLifecycle phase of the engine: it starts after lower phases and stops before
         * them. The default runs after the web server's graceful shutdown and before the web
         * server stops.
         */
        private int phase = DEFAULT_PHASE;

        /** How long startup waits for the groups to be joined before it fails. */
        private Duration joinTimeout = Duration.ofSeconds(30);

        /** How long shutdown waits for the groups to be left gracefully before it closes the engine. */
        private Duration shutdownTimeout = Duration.ofSeconds(10);

        public int getPhase() {
            return this.phase;
        }

        public void setPhase(int phase) {
            this.phase = phase;
        }

        public Duration getJoinTimeout() {
            return this.joinTimeout;
        }

        public void setJoinTimeout(Duration joinTimeout) {
            this.joinTimeout = joinTimeout;
        }

        public Duration getShutdownTimeout() {
            return this.shutdownTimeout;
        }

        public void setShutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
        }

    }

    public static class Handler {

        /** What happens when an annotated handler keeps failing on a message. */
        private ErrorPolicy errorPolicy = ErrorPolicy.LOG_AND_CONTINUE;

        /**
         * Attempts per message before the error policy applies; retries run in place, so later
         * messages of the group wait.
         */
        private int maxAttempts = 1;

        /** Pause between two attempts. */
        private Duration retryBackoff = Duration.ofMillis(100);

        public ErrorPolicy getErrorPolicy() {
            return this.errorPolicy;
        }

        public void setErrorPolicy(ErrorPolicy errorPolicy) {
            this.errorPolicy = errorPolicy;
        }

        public int getMaxAttempts() {
            return this.maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getRetryBackoff() {
            return this.retryBackoff;
        }

        public void setRetryBackoff(Duration retryBackoff) {
            this.retryBackoff = retryBackoff;
        }

    }

    public static class Health {

        /**
         * How long a group may stay in a view change before the health indicator reports
         * DOWN.
         */
        private Duration viewChangeLimit = Duration.ofSeconds(10);

        public Duration getViewChangeLimit() {
            return this.viewChangeLimit;
        }

        public void setViewChangeLimit(Duration viewChangeLimit) {
            this.viewChangeLimit = viewChangeLimit;
        }

    }

    /** Secure groups: authentication and encryption of all traffic (see docs/security.md). */
    public static class Security {

        /**
         * Secret shared by every member of the cluster, at least 32 bytes: text, "base64:..." or
         * "hex:...". Members with another secret are refused. Unset: traffic is not authenticated.
         */
        private @Nullable String clusterSecret;

        /** File holding the cluster secret, instead of vsync.security.cluster-secret. */
        private @Nullable Path clusterSecretFile;

        /** TLS with certificates on every connection, instead of (or beside) the cluster secret. */
        private final Tls tls = new Tls();

        public Tls getTls() {
            return this.tls;
        }

        public @Nullable String getClusterSecret() {
            return this.clusterSecret;
        }

        public void setClusterSecret(@Nullable String clusterSecret) {
            this.clusterSecret = clusterSecret;
        }

        public @Nullable Path getClusterSecretFile() {
            return this.clusterSecretFile;
        }

        public void setClusterSecretFile(@Nullable Path clusterSecretFile) {
            this.clusterSecretFile = clusterSecretFile;
        }

        @Override
        public String toString() {
            return "Security[cluster-secret " + (this.clusterSecret == null ? "unset" : "set") + ", cluster-secret-file "
                    + this.clusterSecretFile + ", " + this.tls + "]";
        }

    }

    /**
     * TLS between members (see docs/security.md, "TLS"): mutual authentication with each
     * member's key store, checked against the trust store; each certificate must name its
     * member's host.
     */
    public static class Tls {

        /** Whether every connection runs TLS; needs key-store and trust-store. */
        private boolean enabled;

        /** This member's private key and certificate (PKCS12 or JKS). */
        private @Nullable Path keyStore;

        /** Password of the key store. */
        private @Nullable String keyStorePassword;

        /** Type of the key store: PKCS12 or JKS. Default: JKS for a .jks file, else PKCS12. */
        private @Nullable String keyStoreType;

        /** Password of the private key, when it differs from the key store's. */
        private @Nullable String keyPassword;

        /** Alias of the private key to present, when the key store holds several. */
        private @Nullable String keyAlias;

        /** Certificates that members' certificates are checked against, usually the cluster's CA. */
        private @Nullable Path trustStore;

        /** Password of the trust store. */
        private @Nullable String trustStorePassword;

        /** Type of the trust store: PKCS12 or JKS. Default: JKS for a .jks file, else PKCS12. */
        private @Nullable String trustStoreType;

        /** TLS protocols to enable. */
        private List<String> protocols = new ArrayList<>(List.of("TLSv1.3"));

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public @Nullable Path getKeyStore() {
            return this.keyStore;
        }

        public void setKeyStore(@Nullable Path keyStore) {
            this.keyStore = keyStore;
        }

        public @Nullable String getKeyStorePassword() {
            return this.keyStorePassword;
        }

        public void setKeyStorePassword(@Nullable String keyStorePassword) {
            this.keyStorePassword = keyStorePassword;
        }

        public @Nullable String getKeyStoreType() {
            return this.keyStoreType;
        }

        public void setKeyStoreType(@Nullable String keyStoreType) {
            this.keyStoreType = keyStoreType;
        }

        public @Nullable String getKeyPassword() {
            return this.keyPassword;
        }

        public void setKeyPassword(@Nullable String keyPassword) {
            this.keyPassword = keyPassword;
        }

        public @Nullable String getKeyAlias() {
            return this.keyAlias;
        }

        public void setKeyAlias(@Nullable String keyAlias) {
            this.keyAlias = keyAlias;
        }

        public @Nullable Path getTrustStore() {
            return this.trustStore;
        }

        public void setTrustStore(@Nullable Path trustStore) {
            this.trustStore = trustStore;
        }

        public @Nullable String getTrustStorePassword() {
            return this.trustStorePassword;
        }

        public void setTrustStorePassword(@Nullable String trustStorePassword) {
            this.trustStorePassword = trustStorePassword;
        }

        public @Nullable String getTrustStoreType() {
            return this.trustStoreType;
        }

        public void setTrustStoreType(@Nullable String trustStoreType) {
            this.trustStoreType = trustStoreType;
        }

        public List<String> getProtocols() {
            return this.protocols;
        }

        public void setProtocols(List<String> protocols) {
            this.protocols = protocols;
        }

        /** Never shows a password, only whether one is set. */
        @Override
        public String toString() {
            return "Tls[enabled " + this.enabled + ", key-store " + this.keyStore + ", key-store-password "
                    + (this.keyStorePassword == null ? "unset" : "set") + ", key-alias " + this.keyAlias
                    + ", trust-store " + this.trustStore + ", trust-store-password "
                    + (this.trustStorePassword == null ? "unset" : "set") + ", protocols " + this.protocols + "]";
        }

    }

    /** Options of one group. */
    /**
     * A group's safeSend disk log: safeSend history that survives the loss of every member,
     * replayed to the handlers before the group is joined (docs/api.md).
     */
    public static class SafeLog {

        /** When the log forces its writes to the disk. */
        public enum Fsync {

            /** Before acknowledging, once per batch of the protocol's work (group commit). */
            ALWAYS,

            /** At most every fsync-interval; a machine crash may lose that much. */
            INTERVAL,

            /** Never; the OS writes back when it likes. A process crash loses nothing, a machine crash may. */
            NEVER

        }

        /** Directory of the log (one sub-directory per group); no log when unset. */
        private @Nullable Path directory;

        /** When writes are forced to the disk. */
        private Fsync fsync = Fsync.ALWAYS;

        /** Interval between forced writes with fsync=interval. */
        private Duration fsyncInterval = Duration.ofMillis(100);

        /** Records after which the state is checkpointed and older records dropped (needs a state transfer). */
        private long checkpointEvery = 100_000;

        /** Bytes of records after which the state is checkpointed, whichever of the two comes first. */
        private DataSize checkpointEverySize = DataSize.ofMegabytes(64);

        public @Nullable Path getDirectory() {
            return this.directory;
        }

        public void setDirectory(@Nullable Path directory) {
            this.directory = directory;
        }

        public Fsync getFsync() {
            return this.fsync;
        }

        public void setFsync(Fsync fsync) {
            this.fsync = fsync;
        }

        public Duration getFsyncInterval() {
            return this.fsyncInterval;
        }

        public void setFsyncInterval(Duration fsyncInterval) {
            this.fsyncInterval = fsyncInterval;
        }

        public long getCheckpointEvery() {
            return this.checkpointEvery;
        }

        public void setCheckpointEvery(long checkpointEvery) {
            this.checkpointEvery = checkpointEvery;
        }

        public DataSize getCheckpointEverySize() {
            return this.checkpointEverySize;
        }

        public void setCheckpointEverySize(DataSize checkpointEverySize) {
            this.checkpointEverySize = checkpointEverySize;
        }

    }

    public static class GroupOptions {

        /** Whether to join the group when the application starts. */
        private boolean joinOnStartup = true;

        /** Error policy of this group's handlers; defaults to vsync.handler.error-policy. */
        private @Nullable ErrorPolicy errorPolicy;

        /** Attempts per message of this group's handlers; defaults to vsync.handler.max-attempts. */
        private @Nullable Integer maxAttempts;

        /** The group's safeSend disk log (off unless a directory is set). */
        private final SafeLog safeLog = new SafeLog();

        public SafeLog getSafeLog() {
            return this.safeLog;
        }

        public boolean isJoinOnStartup() {
            return this.joinOnStartup;
        }

        public void setJoinOnStartup(boolean joinOnStartup) {
            this.joinOnStartup = joinOnStartup;
        }

        public @Nullable ErrorPolicy getErrorPolicy() {
            return this.errorPolicy;
        }

        public void setErrorPolicy(@Nullable ErrorPolicy errorPolicy) {
            this.errorPolicy = errorPolicy;
        }

        public @Nullable Integer getMaxAttempts() {
            return this.maxAttempts;
        }

        public void setMaxAttempts(@Nullable Integer maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

    }

}
