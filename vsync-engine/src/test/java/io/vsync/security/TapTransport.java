package io.vsync.security;

import io.vsync.message.Data;
import io.vsync.message.ProtocolMessage;
import io.vsync.transport.Transport;
import io.vsync.transport.TransportStats;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Wraps the transport under a {@link SecureTransport} and records every sealed envelope it is
 * given, as an eavesdropper on the wire would see them; it can also send a recorded envelope
 * again on the same connection (a replay by someone on the path).
 */
final class TapTransport implements Transport {
    record Captured(String to, byte[] envelope) {
        int type() {
            return envelope.length > 2 ? envelope[2] : -1;
        }
    }

    private final Transport inner;
    final List<Captured> captured = new CopyOnWriteArrayList<>();
    volatile boolean recording = true;

    TapTransport(Transport inner) {
        this.inner = inner;
    }

    void replay(Captured c) {
        inner.send(c.to(), new Data(SecureTransport.TUNNEL_GROUP, 0, SecureTransport.TUNNEL_SENDER, 0, 0, (byte) 0,
                true, c.envelope().clone()));
    }

    private void record(String to, ProtocolMessage m) {
        if (recording && m instanceof Data d && SecureTransport.TUNNEL_GROUP.equals(d.group())) {
            captured.add(new Captured(to, d.payload().clone()));
        }
    }

    @Override
    public void start() throws IOException {
        inner.start();
    }

    @Override
    public String localAddress() {
        return inner.localAddress();
    }

    @Override
    public void send(String toAddress, ProtocolMessage message) {
        record(toAddress, message);
        inner.send(toAddress, message);
    }

    @Override
    public void send(Collection<String> toAddresses, ProtocolMessage message) {
        for (String to : toAddresses) {
            record(to, message);
        }
        inner.send(toAddresses, message);
    }

    @Override
    public TransportStats stats() {
        return inner.stats();
    }

    @Override
    public void close() {
        inner.close();
    }
}
