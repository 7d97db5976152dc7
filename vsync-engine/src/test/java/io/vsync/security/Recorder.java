package io.vsync.security;

import io.vsync.message.ProtocolMessage;
import io.vsync.transport.TransportListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A listener that records what it is given and passes it on (to nothing, or to the engine's). */
final class Recorder implements TransportListener {
    record Received(String from, ProtocolMessage message) {
    }

    final List<Received> messages = new CopyOnWriteArrayList<>();
    final List<String> unreachable = new CopyOnWriteArrayList<>();
    private final TransportListener next;

    Recorder() {
        this(null);
    }

    Recorder(TransportListener next) {
        this.next = next;
    }

    @Override
    public void onMessage(String fromAddress, ProtocolMessage message) {
        messages.add(new Received(fromAddress, message));
        if (next != null) {
            next.onMessage(fromAddress, message);
        }
    }

    @Override
    public void onPeerUnreachable(String address) {
        unreachable.add(address);
        if (next != null) {
            next.onPeerUnreachable(address);
        }
    }

    @Override
    public void onConnectionLost(String address) {
        if (next != null) {
            next.onConnectionLost(address);
        }
    }
}
