package io.vsync.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Transports on 127.0.0.1 only, on ephemeral ports. */
final class Loopback {
    private Loopback() {
    }

    static NioTransport start(TransportListener listener) {
        return start(TransportConfig.of("127.0.0.1", 0), listener);
    }

    static NioTransport start(TransportConfig config, TransportListener listener) {
        NioTransport t = new NioTransport(config, listener);
        try {
            t.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return t;
    }

    /** An address nothing listens on: a port bound and released again. */
    static String closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return "127.0.0.1:" + s.getLocalPort();
        }
    }
}
