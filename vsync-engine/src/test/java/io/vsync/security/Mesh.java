package io.vsync.security;

import io.vsync.message.Data;
import io.vsync.message.ProtocolMessage;
import io.vsync.transport.TransportConfig;
import io.vsync.transport.TransportListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Secure transports joined by in-memory wires, on the test's thread: {@link #pump()} carries
 * every frame sent to its addressee, and the sealed envelopes are recorded for replays.
 */
final class Mesh {
    /** What one node's engine was handed. */
    static final class Inbox implements TransportListener {
        final List<ProtocolMessage> messages = new ArrayList<>();
        final List<String> from = new ArrayList<>();
        boolean keep = true;
        long count;

        @Override
        public void onMessage(String fromAddress, ProtocolMessage message) {
            count++;
            if (keep) {
                messages.add(message);
                from.add(fromAddress);
            }
        }

        @Override
        public void onPeerUnreachable(String address) {
        }

        @Override
        public void onConnectionLost(String address) {
        }
    }

    /** A sealed envelope as it went from one address to another. */
    record Sent(String from, String to, byte[] envelope) {
        int type() {
            return envelope[2];
        }
    }

    final Map<String, SecureFramePropertyTest.Wire> wires = new LinkedHashMap<>();
    final Map<String, SecureTransport> nodes = new LinkedHashMap<>();
    final Map<String, Inbox> inboxes = new LinkedHashMap<>();
    final List<Sent> sent = new ArrayList<>();
    boolean recording = true;

    Mesh(int n) throws Exception {
        SecurityConfig config = SecurityConfig.clusterSecret(SecureTransportTest.SECRET);
        for (int i = 1; i <= n; i++) {
            String host = "10.0.0." + i;
            SecureFramePropertyTest.Wire wire = new SecureFramePropertyTest.Wire(host + ":" + i);
            Inbox inbox = new Inbox();
            SecureTransport t = new SecureTransport(config, TransportConfig.of(host, i), inbox, (c, l) -> {
                wire.listener = l;
                return wire;
            });
            t.start();
            wires.put(wire.address, wire);
            nodes.put(wire.address, t);
            inboxes.put(wire.address, inbox);
        }
    }

    /**
     * Three nodes in view 2 of group "g", the first one its leader; the other two have shown it
     * they hold the view key. What that took is neither recorded nor in the inboxes.
     */
    static Mesh threeInViewWithKey() throws Exception {
        Mesh mesh = new Mesh(3);
        List<String> all = mesh.addresses();
        String a = all.get(0);
        mesh.node(a).send(all.subList(1, 3), SecureTransportTest.commit("g", 2, a, all.get(1), all.get(2)));
        mesh.pump();
        for (String o : all.subList(1, 3)) {
            mesh.node(o).send(a, SecureTransportTest.data("g", 2, o, 1, "key held"));
        }
        mesh.pump();
        mesh.sent.clear();
        mesh.inboxes.values().forEach(inbox -> inbox.messages.clear());
        return mesh;
    }

    /** The recorded envelopes of one type that {@code from} sent. */
    List<Sent> sentBy(String from, int type) {
        return sent.stream().filter(s -> s.from().equals(from) && s.type() == type).toList();
    }

    /** A Data message's payload as text, else the message's type: what the tests compare. */
    static String text(ProtocolMessage m) {
        return m instanceof Data d ? new String(d.payload(), java.nio.charset.StandardCharsets.UTF_8)
                : m.getClass().getSimpleName();
    }

    List<String> addresses() {
        return new ArrayList<>(nodes.keySet());
    }

    SecureTransport node(String address) {
        return nodes.get(address);
    }

    Inbox inbox(String address) {
        return inboxes.get(address);
    }

    /** Carries frames until none is left in flight. */
    void pump() {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (SecureFramePropertyTest.Wire wire : wires.values()) {
                for (Object[] f : wire.take()) {
                    moved = true;
                    String to = (String) f[0];
                    ProtocolMessage m = (ProtocolMessage) f[1];
                    if (recording) {
                        sent.add(new Sent(wire.address, to, ((Data) m).payload().clone()));
                    }
                    wires.get(to).listener.onMessage(wire.address, m);
                }
            }
        }
    }

    /** Hands {@code envelope} to {@code to} as if {@code from} had sent it (a replay, or a forgery). */
    void inject(String from, String to, byte[] envelope) {
        wires.get(to).listener.onMessage(from, SecureFramePropertyTest.envelope(envelope.clone()));
    }

    void close() {
        nodes.values().forEach(SecureTransport::close);
    }
}
