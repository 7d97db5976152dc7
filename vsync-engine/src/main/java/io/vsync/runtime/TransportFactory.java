package io.vsync.runtime;

import io.vsync.transport.Transport;
import io.vsync.transport.TransportConfig;
import io.vsync.transport.TransportListener;

/** Makes the engine's transport: TCP by default, an in-memory network in tests. */
@FunctionalInterface
public interface TransportFactory {
    Transport create(TransportConfig config, TransportListener listener);
}
