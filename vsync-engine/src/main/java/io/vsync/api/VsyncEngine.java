package io.vsync.api;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * One engine per process: it owns the network endpoint, the failure detector shared by all
 * groups, and any number of named {@link Group}s.
 *
 * <pre>{@code
 * VsyncEngine engine = VsyncEngine.builder()
 *     .nodeName("a").bind("127.0.0.1", 7800).seeds("127.0.0.1:7800", "127.0.0.1:7801")
 *     .build();
 * engine.start();
 * Group accounts = engine.group("accounts");
 * accounts.handle(Deposit.class, d -> balances.merge(d.account(), d.amount(), Long::sum));
 * accounts.join();
 * accounts.orderedSend(new Deposit("alice", 10));
 * }</pre>
 */
public interface VsyncEngine extends AutoCloseable {

    static Builder builder() {
        return io.vsync.runtime.NioVsyncEngine.builder();
    }

    /** Binds the endpoint and starts the protocol thread. */
    void start();

    /** The handle of the named group (created on first use; not joined). */
    Group group(String name);

    Collection<Group> groups();

    String nodeName();

    /** {@code host:port} this engine listens on (the port is known after {@link #start()}). */
    String localAddress();

    boolean isRunning();

    EngineStats stats();

    /**
     * Cluster security's mode and counters (docs/security.md); {@link SecurityStatus#off()}
     * when the engine runs without security. Contains nothing secret.
     */
    default SecurityStatus securityStatus() {
        return SecurityStatus.off();
    }

    /** Leaves every joined group gracefully, then stops. Idempotent. */
    @Override
    void close();

    /** Settings of an engine; every one has a default but the seeds. */
    interface Builder {
        Builder nodeName(String name);

        /** Address and port to listen on; port 0 picks a free one. */
        Builder bind(String host, int port);

        /**
         * The host other members use to reach this one, when it differs from the bind address
         * (binding 0.0.0.0, NAT). Default: the bind address, or this host's address for a
         * wildcard bind.
         */
        Builder advertiseAddress(String host);

        /**
         * Authenticates and encrypts all traffic with a secret shared by the cluster: at least 32
         * bytes, written as text, {@code base64:…} or {@code hex:…}. See docs/security.md.
         *
         * @throws UnsupportedOperationException when this builder's engine has no security layer
         */
        default Builder clusterSecret(String secret) {
            throw new UnsupportedOperationException("this engine builder does not support a cluster secret");
        }

        /** As {@link #clusterSecret(String)}, read from a file. */
        default Builder clusterSecretFile(java.nio.file.Path file) {
            throw new UnsupportedOperationException("this engine builder does not support a cluster secret");
        }

        /**
         * TLS with mutual authentication on every connection, from key and trust stores
         * ({@link io.vsync.security.TlsConfig#builder()}); alone, or beside a cluster secret.
         * See docs/security.md for which to pick.
         *
         * @throws UnsupportedOperationException when this builder's engine has no TLS
         */
        default Builder tls(io.vsync.security.TlsConfig tls) {
            throw new UnsupportedOperationException("this engine builder does not support TLS");
        }

        /** Receives timings for metrics (delivery latency, view-change and flush duration). */
        Builder metricsListener(MetricsListener listener);

        Builder seeds(String... hostPorts);

        Builder seeds(List<String> hostPorts);

        /** Interval between heartbeats to each peer process (default 100 ms). */
        Builder heartbeatInterval(Duration interval);

        /** Silence after which a peer process is suspected (default 1 s). */
        Builder failureTimeout(Duration timeout);

        /** Largest payload accepted by a send (default 16 MiB). */
        Builder maxMessageSize(int bytes);

        /**
         * Unstable bytes a sender may have outstanding per group before sends block (default
         * 2 MiB). Every member keeps each sender's window of messages until they are stable, so
         * a larger window costs memory and garbage-collection work on every member; on a LAN
         * 2 MiB is far above what one stability round trip needs. Raise it for links with a
         * long round trip (window ≥ bandwidth × round trip). A message larger than the window
         * takes the whole window.
         */
        Builder sendWindow(long bytes);

        /** How payload objects become bytes (default: Jackson CBOR with type names). */
        Builder payloadCodec(PayloadCodec codec);

        /** Receives every install, send and delivery, for history checking. */
        Builder historyListener(HistoryListener listener);

        /**
         * Gives every group of this engine a safeSend disk log in {@code directory} (one
         * sub-directory per group): safeSend history then survives the loss of every member and
         * is replayed to the handlers before the group is joined again. See docs/api.md.
         */
        default Builder safeLog(java.nio.file.Path directory, io.vsync.durability.FsyncPolicy fsync) {
            throw new UnsupportedOperationException("this engine builder does not support a safeSend log");
        }

        /** A safeSend disk log for one group, overriding {@link #safeLog(java.nio.file.Path, io.vsync.durability.FsyncPolicy)}. */
        default Builder safeLog(String group, io.vsync.durability.SafeLogConfig config) {
            throw new UnsupportedOperationException("this engine builder does not support a safeSend log");
        }

        VsyncEngine build();
    }
}
