package io.vsync.transport;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * TLS for {@link NioTransport}: an {@link SSLContext} holding this process's key and the
 * certificates it trusts, the protocols, and the rule that binds a certificate to an address.
 * Every connection gets its own {@link SSLEngine}: client mode on the connections this engine
 * opens, server mode with client authentication required on those it accepts.
 *
 * <p><b>Identity.</b> A trusted certificate is not enough: it must also name the host of the
 * address its holder speaks for, or any member could claim to be any other. The acceptor
 * checks the listen address in the peer's Hello, the connector the address it dialled: an IP
 * host must be an IP subject alternative name (SAN) of the certificate, a host name a DNS SAN
 * (case-insensitive, exact). {@link #peerNames} maps a host to the name its certificate holds
 * instead (NAT, certificates issued for names while members are addressed by IP).
 *
 * <p>Build it from key stores with {@code io.vsync.security.TlsConfig}. Thread-safe; one
 * instance may serve several transports (its counters then add up).
 */
public final class TransportTls {
    private static final System.Logger LOG = System.getLogger(TransportTls.class.getName());

    private final SSLContext context;
    private final List<String> protocols;
    private final Map<String, String> peerNames;
    final LongAdder completed = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder identityRefused = new LongAdder();
    final LongAdder plainRefused = new LongAdder();
    private final RateLimitedLog limiter = new RateLimitedLog(LOG, 10, TimeUnit.SECONDS);

    /**
     * @param context   initialised with this process's key managers and the trusted certificates
     * @param protocols enabled protocols, e.g. {@code TLSv1.3}; none means the context's defaults
     * @param peerNames host (as in peers' addresses) to the name its certificate must hold
     */
    public TransportTls(SSLContext context, List<String> protocols, Map<String, String> peerNames) {
        this.context = Objects.requireNonNull(context, "context");
        this.protocols = List.copyOf(protocols);
        Map<String, String> names = new LinkedHashMap<>();
        peerNames.forEach((host, name) -> names.put(stripBrackets(host).toLowerCase(Locale.ROOT),
                name.toLowerCase(Locale.ROOT)));
        this.peerNames = Map.copyOf(names);
    }

    public TlsStats stats() {
        return new TlsStats(completed.sum(), failed.sum(), identityRefused.sum(), plainRefused.sum());
    }

    SSLEngine newEngine(boolean client) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(client);
        SSLParameters p = engine.getSSLParameters();
        if (!protocols.isEmpty()) {
            p.setProtocols(protocols.toArray(String[]::new));
        }
        if (!client) {
            p.setNeedClientAuth(true);
        }
        engine.setSSLParameters(p);
        return engine;
    }

    /**
     * Why {@code certificate} may not speak for {@code address} ({@code host:port}), or null
     * when it may.
     */
    String identityRefusal(X509Certificate certificate, String address) {
        int colon = address.lastIndexOf(':');
        String host = stripBrackets(colon > 0 ? address.substring(0, colon) : address).toLowerCase(Locale.ROOT);
        String expected = peerNames.getOrDefault(host, host);
        List<String> names = subjectAltNames(certificate);
        InetAddress expectedIp = ipLiteral(expected);
        for (String name : names) {
            if (expectedIp != null ? expectedIp.equals(ipLiteral(name)) : name.equalsIgnoreCase(expected)) {
                return null;
            }
        }
        return "its certificate (" + certificate.getSubjectX500Principal().getName() + ", names " + names
                + ") does not name " + expected + (expected.equals(host) ? "" : " (mapped from " + host + ")")
                + ", the host of the address " + address + " it speaks for";
    }

    private static List<String> subjectAltNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            var sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    Object type = san.get(0);
                    boolean dnsOrIp = Integer.valueOf(2).equals(type) || Integer.valueOf(7).equals(type);
                    if (dnsOrIp && san.get(1) instanceof String s) {
                        names.add(s);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // no usable names: refused below
        }
        return names;
    }

    /** The address of an IP literal; null for a host name (never resolved: no DNS on the I/O thread). */
    private static InetAddress ipLiteral(String text) {
        String s = stripBrackets(text);
        boolean literal = s.indexOf(':') >= 0 || s.matches("[0-9.]+");
        if (!literal) {
            return null;
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /**
     * Logs a refusal at most once per kind and peer every 10 s. An identified peer (the
     * address dialled, or named by its Hello) is keyed by its address; an unidentified one by
     * its host, so that a peer hopping source ports cannot flood the log.
     */
    void log(Level level, String kind, String peer, String message) {
        String key = peer.startsWith("unidentified /") ? hostOf(peer) : peer;
        limiter.log(level, kind, key, message);
    }

    private static String hostOf(String peer) {
        int colon = peer.lastIndexOf(':');
        return colon > 0 ? peer.substring(0, colon) : peer;
    }

    @Override
    public String toString() {
        return "TransportTls[protocols " + (protocols.isEmpty() ? "default" : protocols) + "]";
    }
}
