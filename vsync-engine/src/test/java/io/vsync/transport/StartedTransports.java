package io.vsync.transport;

import java.util.ArrayList;
import java.util.List;

/** Loopback transports a test started, closed together when it ends. */
final class StartedTransports implements AutoCloseable {
    private final List<NioTransport> started = new ArrayList<>();

    NioTransport start(TransportListener listener) {
        return keep(Loopback.start(listener));
    }

    NioTransport start(TransportConfig config, TransportListener listener) {
        return keep(Loopback.start(config, listener));
    }

    private NioTransport keep(NioTransport t) {
        started.add(t);
        return t;
    }

    @Override
    public void close() {
        started.forEach(NioTransport::close);
    }
}
