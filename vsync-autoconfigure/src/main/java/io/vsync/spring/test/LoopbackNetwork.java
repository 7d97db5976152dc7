package io.vsync.spring.test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import io.vsync.message.ProtocolMessage;
import io.vsync.transport.NioTransport;
import io.vsync.transport.Transport;
import io.vsync.transport.TransportConfig;
import io.vsync.transport.TransportListener;
import io.vsync.transport.TransportStats;

/**
 * The engine's TCP transport with a switch: crashing a member closes its sockets at once and
 * silences it (its peers see the connection reset and are refused afterwards, as when the
 * process is killed), and a partition drops frames between the sides at both ends. Used by
 * {@link VsyncTestCluster} over loopback.
 */
final class LoopbackNetwork {

    private final Map<String, SwitchedTransport> transports = new ConcurrentHashMap<>();

    private volatile Map<String, Integer> sides = Map.of();

    Transport transport(TransportConfig config, TransportListener listener) {
        return new SwitchedTransport(config, listener);
    }

    /** Whether a transport at this address was made here and is running. */
    boolean contains(String address) {
        SwitchedTransport transport = this.transports.get(address);
        return transport != null && !transport.crashed;
    }

    void crash(String address) {
        SwitchedTransport transport = this.transports.get(address);
        if (transport == null) {
            throw new IllegalArgumentException("no member listens at " + address);
        }
        transport.crash();
    }

    void partition(List<Set<String>> newSides) {
        Map<String, Integer> sideOf = new ConcurrentHashMap<>();
        for (int i = 0; i < newSides.size(); i++) {
            for (String address : newSides.get(i)) {
                sideOf.put(address, i);
            }
        }
        this.sides = Map.copyOf(sideOf);
    }

    void heal() {
        this.sides = Map.of();
    }

    private boolean cut(@Nullable String a, @Nullable String b) {
        Map<String, Integer> current = this.sides;
        if (current.isEmpty() || a == null || b == null) {
            return false;
        }
        return !Objects.equals(current.getOrDefault(a, -1), current.getOrDefault(b, -1));
    }

    private final class SwitchedTransport implements Transport, TransportListener {

        private final TransportListener listener;

        private final NioTransport delegate;

        private volatile boolean crashed;

        private volatile @Nullable String address;

        SwitchedTransport(TransportConfig config, TransportListener listener) {
            this.listener = listener;
            this.delegate = new NioTransport(config, this);
        }

        @Override
        public void start() throws IOException {
            this.delegate.start();
            this.address = this.delegate.localAddress();
            LoopbackNetwork.this.transports.put(this.delegate.localAddress(), this);
        }

        void crash() {
            this.crashed = true;
            this.delegate.close();
        }

        @Override
        public String localAddress() {
            return this.delegate.localAddress();
        }

        @Override
        public void send(String toAddress, ProtocolMessage message) {
            if (!this.crashed && !cut(this.address, toAddress)) {
                this.delegate.send(toAddress, message);
            }
        }

        @Override
        public void send(Collection<String> toAddresses, ProtocolMessage message) {
            if (this.crashed) {
                return;
            }
            List<String> reachable = new ArrayList<>(toAddresses.size());
            for (String to : toAddresses) {
                if (!cut(this.address, to)) {
                    reachable.add(to);
                }
            }
            if (!reachable.isEmpty()) {
                this.delegate.send(reachable, message);
            }
        }

        @Override
        public TransportStats stats() {
            return this.delegate.stats();
        }

        @Override
        public void close() {
            this.delegate.close();
            String own = this.address;
            if (own != null) {
                LoopbackNetwork.this.transports.remove(own, this);
            }
        }

        @Override
        public void onMessage(String fromAddress, ProtocolMessage message) {
            if (!this.crashed && !cut(fromAddress, this.address)) {
                this.listener.onMessage(fromAddress, message);
            }
        }

        @Override
        public void onPeerUnreachable(String peer) {
            if (!this.crashed) {
                this.listener.onPeerUnreachable(peer);
            }
        }

        @Override
        public void onConnectionLost(String peer) {
            if (!this.crashed) {
                this.listener.onConnectionLost(peer);
            }
        }

    }

}
