package io.vsync.runtime;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** A {@code host:port} pair as written in settings. */
record HostPort(String host, int port) {

    static HostPort parse(String text) {
        int colon = text == null ? -1 : text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not host:port");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not host:port (bad port)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + text + "' has a port outside 1..65535");
        }
        return new HostPort(host, port);
    }

    /**
     * The canonical address string peers use to name this endpoint: the IP literal, so that
     * "localhost:7800" and "127.0.0.1:7800" are one member.
     */
    String canonical() {
        try {
            // A StringBuilder, not +: this runs at every engine's start (Finding 14).
            return new StringBuilder(48).append(InetAddress.getByName(host).getHostAddress()).append(':').append(port)
                    .toString();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve host '" + host + "'", e);
        }
    }
}
