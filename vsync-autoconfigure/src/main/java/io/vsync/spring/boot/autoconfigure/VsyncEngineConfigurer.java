package io.vsync.spring.boot.autoconfigure;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.vsync.api.MetricsListener;
import io.vsync.api.PayloadCodec;
import io.vsync.api.VsyncEngine;
import io.vsync.durability.FsyncPolicy;
import io.vsync.durability.SafeLogConfig;

/**
 * Applies the {@code vsync.*} properties, the payload codec, the application's
 * {@link MetricsListener}s (combined into one) and the {@link VsyncEngineCustomizer customizers}
 * to a {@link VsyncEngine.Builder}. An application
 * that defines its own {@code VsyncEngine} bean can still use it:
 *
 * <pre>{@code
 * @Bean
 * VsyncEngine vsyncEngine(VsyncEngineConfigurer configurer) {
 *     return configurer.configure(VsyncEngine.builder()).historyListener(myListener).build();
 * }
 * }</pre>
 */
public class VsyncEngineConfigurer {

    private static final org.apache.commons.logging.Log LOG =
            org.apache.commons.logging.LogFactory.getLog(VsyncEngineConfigurer.class);

    /** Resolves a DNS name to its addresses. */
    @FunctionalInterface
    interface DnsResolver {

        InetAddress[] resolve(String name) throws UnknownHostException;

    }

    private final VsyncProperties properties;

    private final PayloadCodec codec;

    private final List<VsyncEngineCustomizer> customizers;

    private final List<MetricsListener> metricsListeners;

    private final DnsResolver dns;

    VsyncEngineConfigurer(VsyncProperties properties, PayloadCodec codec, List<VsyncEngineCustomizer> customizers) {
        this(properties, codec, customizers, List.of());
    }

    VsyncEngineConfigurer(VsyncProperties properties, PayloadCodec codec, List<VsyncEngineCustomizer> customizers,
            List<MetricsListener> metricsListeners) {
        this(properties, codec, customizers, metricsListeners, InetAddress::getAllByName);
    }

    VsyncEngineConfigurer(VsyncProperties properties, PayloadCodec codec, List<VsyncEngineCustomizer> customizers,
            List<MetricsListener> metricsListeners, DnsResolver dns) {
        this.properties = properties;
        this.codec = codec;
        this.customizers = List.copyOf(customizers);
        this.metricsListeners = List.copyOf(metricsListeners);
        this.dns = dns;
    }

    /**
     * Configures the builder.
     * @throws VsyncStartupException when {@code vsync.seed-dns} cannot be resolved
     */
    public VsyncEngine.Builder configure(VsyncEngine.Builder builder) {
        VsyncProperties p = this.properties;
        builder.nodeName(nodeName(p));
        builder.bind(bindAddress(p), p.getPort());
        if (p.getAdvertiseAddress() != null) {
            builder.advertiseAddress(p.getAdvertiseAddress().trim());
        }
        builder.seeds(seeds());
        builder.heartbeatInterval(p.getFailureDetection().getHeartbeatInterval());
        builder.failureTimeout(p.getFailureDetection().getTimeout());
        builder.maxMessageSize((int) p.getMaxMessageSize().toBytes());
        builder.sendWindow(p.getSendWindow().toBytes());
        builder.payloadCodec(this.codec);
        applySecurity(p, builder);
        applySafeLogs(p, builder);
        MetricsListener metrics = CompositeMetricsListener.of(this.metricsListeners);
        if (metrics != null) {
            builder.metricsListener(metrics);
        }
        for (VsyncEngineCustomizer customizer : this.customizers) {
            customizer.customize(builder);
        }
        return builder;
    }

    private static void applySafeLogs(VsyncProperties p, VsyncEngine.Builder builder) {
        p.getGroups().forEach((group, options) -> {
            if (options == null || options.getSafeLog().getDirectory() == null) {
                return;
            }
            VsyncProperties.SafeLog log = options.getSafeLog();
            FsyncPolicy fsync = switch (log.getFsync()) {
                case ALWAYS -> FsyncPolicy.always();
                case INTERVAL -> FsyncPolicy.interval(log.getFsyncInterval());
                case NEVER -> FsyncPolicy.never();
            };
            builder.safeLog(group, new SafeLogConfig(log.getDirectory(), fsync, log.getCheckpointEvery(),
                    log.getCheckpointEverySize().toBytes()));
        });
    }

    private static void applySecurity(VsyncProperties p, VsyncEngine.Builder builder) {
        VsyncProperties.Security security = p.getSecurity();
        try {
            if (security.getClusterSecret() != null) {
                builder.clusterSecret(security.getClusterSecret());
            }
            else if (security.getClusterSecretFile() != null) {
                builder.clusterSecretFile(security.getClusterSecretFile());
            }
            else {
                LOG.info("Vsync traffic is not authenticated: set vsync.security.cluster-secret to secure the cluster");
            }
        }
        catch (IllegalArgumentException ex) {
            // SecurityConfig's messages never contain the secret.
            String property = (security.getClusterSecret() != null) ? "vsync.security.cluster-secret"
                    : "vsync.security.cluster-secret-file";
            throw VsyncStartupException.of(property + ": " + ex.getMessage(), null, p, null);
        }
    }

    /** The configured seeds followed by those found through {@code vsync.seed-dns}, without duplicates. */
    List<String> seeds() {
        Set<String> seeds = new LinkedHashSet<>();
        for (String seed : this.properties.getSeeds()) {
            seeds.add(HostAndPort.parse(seed).toString());
        }
        String dnsName = this.properties.getSeedDns();
        if (dnsName != null) {
            InetAddress[] addresses;
            try {
                addresses = this.dns.resolve(dnsName);
            }
            catch (UnknownHostException ex) {
                throw VsyncStartupException.of("vsync.seed-dns '" + dnsName + "' could not be resolved: " + ex.getMessage(),
                        ex, this.properties, null);
            }
            for (InetAddress address : addresses) {
                if (address instanceof Inet4Address) {
                    seeds.add(address.getHostAddress() + ":" + this.properties.getPort());
                }
            }
        }
        return new ArrayList<>(seeds);
    }

    static String bindAddress(VsyncProperties properties) {
        String address = properties.getBindAddress();
        return (address != null && !address.isBlank()) ? address.trim() : "0.0.0.0";
    }

    static String nodeName(VsyncProperties properties) {
        String name = properties.getNodeName();
        return (name != null) ? name : hostName() + ":" + properties.getPort();
    }

    private static String hostName() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (UnknownHostException ex) {
            return "localhost";
        }
    }

}
