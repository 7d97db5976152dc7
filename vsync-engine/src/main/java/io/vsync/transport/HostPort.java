package io.vsync.transport;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Parses the {@code host:port} (or {@code [v6]:port}) addresses peers are named by. */
final class HostPort {
    private HostPort() {
    }

    /**
     * Resolves {@code address}; may block on DNS for a host name (IP literals never do).
     *
     * @throws UnknownHostException     when the host does not resolve
     * @throws IllegalArgumentException when the text is not {@code host:port}
     */
    static InetSocketAddress resolve(String address) throws UnknownHostException {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("not host:port: " + address);
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in " + address, e);
        }
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("bad port in " + address);
        }
        InetSocketAddress resolved = new InetSocketAddress(host, port);
        if (resolved.isUnresolved()) {
            throw new UnknownHostException(host);
        }
        return resolved;
    }

    /** {@code host:port}, bracketing an IPv6 literal. */
    static String format(String host, int port) {
        // A StringBuilder, not +: every engine formats its address at start-up, and each
        // concatenation site links through method handles the first time it runs (Finding 14).
        StringBuilder s = new StringBuilder(host.length() + 8);
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            s.append('[').append(host).append(']');
        } else {
            s.append(host);
        }
        return s.append(':').append(port).toString();
    }
}
