package io.vsync.testing;

import io.vsync.codec.FrameCodec;
import io.vsync.codec.MalformedFrameException;
import io.vsync.message.ProtocolMessage;
import io.vsync.transport.Transport;
import io.vsync.transport.TransportConfig;
import io.vsync.transport.TransportListener;
import io.vsync.transport.TransportStats;
import java.io.IOException;
import java.net.BindException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A network in memory for engines in one JVM, with fault injection: crash a node, partition the
 * network, drop frames, heal. Engines use it in place of TCP:
 *
 * <pre>{@code
 * InMemoryNetwork network = new InMemoryNetwork(42);
 * VsyncEngine a = NioVsyncEngine.builder().bind("127.0.0.1", 0).transport(network::transport).build();
 * VsyncEngine b = NioVsyncEngine.builder().bind("127.0.0.1", 0).seeds(a.localAddress()) // after a.start()
 *     .transport(network::transport).build();
 * ...
 * network.partition(Set.of(a.localAddress()), Set.of(b.localAddress()));
 * network.heal();
 * network.crash(b.localAddress());
 * }</pre>
 *
 * <h2>Semantics: those of the TCP transport</h2>
 * <ul>
 * <li>Addresses are {@code host:port} as on TCP: the advertised host (else the bind host) and
 * the port asked for. Port 0 takes the next free port of this network, counting up from
 * {@value #FIRST_PORT}; no socket is opened. Binding an address a running node holds fails with
 * a {@link BindException}; the address of a crashed or closed node can be bound again (a
 * restarted process).</li>
 * <li>Frames are encoded with the wire codec at the sender and decoded at the receiver, so the
 * engines share no objects and the frame cap applies as on TCP.</li>
 * <li>Per link (ordered pair of nodes), frames arrive in the order sent, or not at all. Each node
 * has one network thread that runs all of its listener's callbacks, one at a time; a callback
 * never runs on the thread that called {@code send}. There is no added latency: a frame is
 * delivered as soon as the receiver's network thread gets to it.</li>
 * <li>{@link #crash(String)}: the node stops at once, like a killed process. Frames in flight to
 * and from it are lost; its listener gets no more callbacks and its sends go nowhere. Peers that
 * had a connection with it get {@code onConnectionLost} (the RST); afterwards their sends to it
 * are refused: {@code onPeerUnreachable}, at most once per reconnect backoff
 * ({@link TransportConfig#reconnectBackoff()}), as a refused connect is on TCP. A send to an
 * address where no node runs is refused the same way.</li>
 * <li>{@link #partition(Set[])}: frames between nodes on different sides are dropped silently
 * (nobody is told, as with a cut cable: the failure detectors notice), including those already
 * in flight. {@link #heal()} ends every partition and drop rate; crashed nodes stay crashed.</li>
 * <li>{@link #dropProbability(double)}: each frame is lost with that probability, decided with
 * this network's seeded random numbers.</li>
 * <li>Closing a node's transport (the engine closes) is a graceful close: its peers get
 * {@code onConnectionLost}, and later sends to it are refused.</li>
 * </ul>
 *
 * <h2>Reproducibility</h2>
 * The network's seed drives the drop decisions, and a {@link FaultSchedule} made from a seed
 * is the same sequence of crashes, partitions and heals at the same times on every run. The
 * runs themselves are not bit-for-bit deterministic: the engines' threads are scheduled by the
 * JVM, so which frames a fault catches in flight differs between runs. A seed replays the fault
 * sequence, not the interleaving (the engine's {@code io.vsync.simulation} does that).
 */
public final class InMemoryNetwork implements AutoCloseable {

    /** The first port handed out for port 0. */
    public static final int FIRST_PORT = 20000;

    private static final System.Logger LOG = System.getLogger(InMemoryNetwork.class.getName());

    private enum State { NEW, RUNNING, CRASHED, CLOSED }

    private final long seed;
    private final Random random;
    private final Map<String, Node> nodes = new ConcurrentHashMap<>();
    private final AtomicInteger nextPort = new AtomicInteger(FIRST_PORT);
    private volatile Faults faults = Faults.NONE;
    private volatile boolean closed;

    /** A network whose drop decisions come from a seed taken from the clock (see {@link #seed()}). */
    public InMemoryNetwork() {
        this(System.nanoTime());
    }

    /** A network whose drop decisions come from {@code seed}. */
    public InMemoryNetwork(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
    }

    /** The seed of this network's random drop decisions. */
    public long seed() {
        return seed;
    }

    /**
     * A transport on this network: the engine builder's transport factory
     * ({@code NioVsyncEngine.builder().transport(network::transport)}).
     */
    public Transport transport(TransportConfig config, TransportListener listener) {
        return new Node(Objects.requireNonNull(config, "config"), Objects.requireNonNull(listener, "listener"));
    }

    // ================================================================ faults

    /**
     * Crashes the node at {@code address}: it stops at once, frames in flight to and from it are
     * lost, its peers see the connection reset and are refused afterwards. Crashing a crashed
     * node does nothing.
     *
     * @throws IllegalArgumentException when no node ever started at that address
     */
    public void crash(String address) {
        Node node = nodes.get(address);
        if (node == null) {
            throw new IllegalArgumentException("no node at " + address + " on this network (nodes: "
                    + new TreeSet<>(nodes.keySet()) + ")");
        }
        if (node.stop(State.CRASHED)) {
            LOG.log(System.Logger.Level.INFO, "in-memory network: crashed {0}", address);
        }
    }

    /**
     * Cuts the network into sides: frames between nodes on different sides are dropped
     * silently, including those in flight. Nodes named on no side (and nodes that start later)
     * form one more side together. Replaces the previous partition; drop rates stay.
     *
     * @throws IllegalArgumentException when an address is on two sides
     */
    @SafeVarargs
    public final void partition(Set<String>... sides) {
        partition(List.of(sides));
    }

    /** As {@link #partition(Set[])}. */
    public void partition(List<? extends Set<String>> sides) {
        Map<String, Integer> sideOf = new HashMap<>();
        for (int i = 0; i < sides.size(); i++) {
            for (String address : sides.get(i)) {
                Integer previous = sideOf.put(address, i);
                if (previous != null && previous != i) {
                    throw new IllegalArgumentException(address + " is on two sides of the partition " + sides);
                }
            }
        }
        synchronized (this) {
            faults = faults.withSides(sideOf);
            cutLinksInFlight();
        }
        LOG.log(System.Logger.Level.INFO, "in-memory network: partition {0}", sides);
    }

    /** Ends the partition and every drop rate; crashed nodes stay crashed. */
    public synchronized void heal() {
        faults = Faults.NONE;
        LOG.log(System.Logger.Level.INFO, "in-memory network: healed");
    }

    /** Each frame on every link is lost with probability {@code p} (0 to 1). */
    public synchronized void dropProbability(double p) {
        faults = faults.withDefaultDrop(checkProbability(p));
    }

    /** Each frame from {@code from} to {@code to} (one direction) is lost with probability {@code p}. */
    public synchronized void dropProbability(String from, String to, double p) {
        faults = faults.withDrop(Objects.requireNonNull(from, "from"), Objects.requireNonNull(to, "to"),
                checkProbability(p));
    }

    private static double checkProbability(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("a drop probability is between 0 and 1, got " + p);
        }
        return p;
    }

    /** Whether frames between the two nodes are dropped by the current partition. */
    public boolean isPartitioned(String a, String b) {
        return faults.cut(a, b);
    }

    /** Whether the node at {@code address} crashed (and was not replaced by a new one since). */
    public boolean isCrashed(String address) {
        Node node = nodes.get(address);
        return node != null && node.state == State.CRASHED;
    }

    /** Addresses of the running nodes, sorted. */
    public Set<String> addresses() {
        Set<String> result = new TreeSet<>();
        nodes.forEach((address, node) -> {
            if (node.state == State.RUNNING) {
                result.add(address);
            }
        });
        return result;
    }

    /** Applies a fault schedule's steps to the nodes at these addresses (member i at index i). */
    public FaultSchedule.Run play(FaultSchedule schedule, List<String> addresses) {
        return schedule.play(target(addresses));
    }

    /** The nodes at these addresses as a schedule's target: member i is {@code addresses.get(i)}. */
    public FaultSchedule.Target target(List<String> addresses) {
        List<String> members = List.copyOf(addresses);
        return new FaultSchedule.Target() {
            @Override
            public void crash(int member) {
                InMemoryNetwork.this.crash(members.get(member));
            }

            @Override
            public void partition(List<Set<Integer>> sides) {
                List<Set<String>> byAddress = new ArrayList<>();
                for (Set<Integer> side : sides) {
                    Set<String> addressesOfSide = new HashSet<>();
                    for (int member : side) {
                        addressesOfSide.add(members.get(member));
                    }
                    byAddress.add(addressesOfSide);
                }
                InMemoryNetwork.this.partition(byAddress);
            }

            @Override
            public void heal() {
                InMemoryNetwork.this.heal();
            }
        };
    }

    /** Stops every node's network thread; their transports drop everything afterwards. */
    @Override
    public void close() {
        closed = true;
        for (Node node : nodes.values()) {
            node.stop(State.CLOSED);
        }
    }

    @Override
    public String toString() {
        return "InMemoryNetwork[seed " + seed + ", nodes " + addresses() + ", " + faults + "]";
    }

    /** Frames in flight on links the partition just cut are lost. Holds the lock. */
    private void cutLinksInFlight() {
        for (Node node : nodes.values()) {
            node.outLinks.forEach((to, link) -> {
                if (faults.cut(node.address, to)) {
                    link.epoch.incrementAndGet();
                }
            });
        }
    }

    private boolean drop(String from, String to) {
        double p = faults.dropProbability(from, to);
        if (p <= 0) {
            return false;
        }
        synchronized (random) {
            return random.nextDouble() < p;
        }
    }

    private synchronized Node bind(Node node, TransportConfig config) throws IOException {
        if (closed) {
            throw new IOException("the in-memory network is closed");
        }
        String host = config.advertisedHost() != null ? config.advertisedHost() : config.bindHost();
        String address;
        if (config.port() == 0) {
            do {
                address = format(host, nextPort.getAndIncrement());
            } while (nodes.containsKey(address));
        } else {
            address = format(host, config.port());
            Node existing = nodes.get(address);
            if (existing != null && existing.state == State.RUNNING) {
                throw new BindException("Address already in use: " + address + " (in-memory network)");
            }
        }
        node.address = address;
        nodes.put(address, node);
        return node;
    }

    private static String format(String host, int port) {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    // ================================================================ fault state

    /** Partition sides and drop rates; immutable, replaced as a whole. */
    private record Faults(Map<String, Integer> sides, double defaultDrop, Map<String, Double> drops) {

        static final Faults NONE = new Faults(Map.of(), 0, Map.of());

        Faults withSides(Map<String, Integer> newSides) {
            return new Faults(Map.copyOf(newSides), defaultDrop, drops);
        }

        Faults withDefaultDrop(double p) {
            return new Faults(sides, p, drops);
        }

        Faults withDrop(String from, String to, double p) {
            Map<String, Double> copy = new HashMap<>(drops);
            copy.put(from + " " + to, p);
            return new Faults(sides, defaultDrop, Map.copyOf(copy));
        }

        boolean cut(String a, String b) {
            if (sides.isEmpty()) {
                return false;
            }
            return !Objects.equals(sides.getOrDefault(a, -1), sides.getOrDefault(b, -1));
        }

        double dropProbability(String from, String to) {
            if (drops.isEmpty()) {
                return defaultDrop;
            }
            return drops.getOrDefault(from + " " + to, defaultDrop);
        }

        @Override
        public String toString() {
            return sides.isEmpty() && defaultDrop == 0 && drops.isEmpty() ? "no faults"
                    : "sides " + sides + ", drop " + defaultDrop + ", link drops " + drops;
        }
    }

    /** One direction between two nodes, as seen by its sender. */
    private static final class Link {
        /** Bumped when the link breaks (crash, partition): frames sent before are lost in flight. */
        final AtomicLong epoch = new AtomicLong();
        /** Whether frames went through since the last break: peers are told when it breaks. */
        volatile boolean connected;
        /** Refused sends are reported no more often than the reconnect backoff. */
        volatile long refusedReportedAt = Long.MIN_VALUE;
    }

    // ================================================================ a node

    private final class Node implements Transport {
        private final TransportConfig config;
        private final TransportListener listener;
        private final FrameCodec codec;
        private final Map<String, Link> outLinks = new ConcurrentHashMap<>();
        private final AtomicLong framesIn = new AtomicLong();
        private final AtomicLong bytesIn = new AtomicLong();
        private final AtomicLong framesOut = new AtomicLong();
        private final AtomicLong bytesOut = new AtomicLong();
        private final AtomicLong malformed = new AtomicLong();
        private final AtomicLong dropped = new AtomicLong();
        private volatile State state = State.NEW;
        private volatile String address;
        private ExecutorService thread;

        Node(TransportConfig config, TransportListener listener) {
            this.config = config;
            this.listener = listener;
            this.codec = new FrameCodec(config.maxFrameLength());
        }

        @Override
        public void start() throws IOException {
            synchronized (this) {
                if (state != State.NEW) {
                    throw new IllegalStateException("transport already " + state.name().toLowerCase());
                }
                bind(this, config);
                String name = "vsync-mem-" + address;
                thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, name);
                    t.setDaemon(true);
                    return t;
                });
                state = State.RUNNING;
            }
        }

        @Override
        public String localAddress() {
            String a = address;
            if (a == null) {
                throw new IllegalStateException("transport not started");
            }
            return a;
        }

        @Override
        public void send(String toAddress, ProtocolMessage message) {
            ByteBuffer frame = encodeIfRunning(message);
            if (frame != null) {
                transmit(toAddress, frame);
            }
        }

        @Override
        public void send(Collection<String> toAddresses, ProtocolMessage message) {
            ByteBuffer frame = encodeIfRunning(message);
            if (frame != null) {
                for (String to : toAddresses) {
                    transmit(to, frame);
                }
            }
        }

        private ByteBuffer encodeIfRunning(ProtocolMessage message) {
            State s = state;
            if (s == State.NEW) {
                throw new IllegalStateException("transport not started");
            }
            if (s != State.RUNNING) {
                dropped.incrementAndGet();
                return null;
            }
            return codec.encode(message);
        }

        /** On the sender's thread: decides the frame's fate and hands it to the receiver's thread. */
        private void transmit(String to, ByteBuffer frame) {
            Link link = outLinks.computeIfAbsent(to, t -> new Link());
            Node receiver = nodes.get(to);
            if (receiver == null || receiver.state != State.RUNNING) {
                dropped.incrementAndGet();
                refused(to, link);
                return;
            }
            if (faults.cut(address, to) || drop(address, to)) {
                dropped.incrementAndGet();
                return;
            }
            link.connected = true;
            long epoch = link.epoch.get();
            int length = frame.remaining();
            framesOut.incrementAndGet();
            bytesOut.addAndGet(length);
            ByteBuffer copy = frame.duplicate();
            String from = address;
            receiver.run(() -> receiver.receive(from, copy, length, link, epoch));
        }

        /** A refused connect: reported on this node's own network thread, at most once per backoff. */
        private void refused(String to, Link link) {
            long now = System.nanoTime();
            long backoff = config.reconnectBackoff().toNanos();
            synchronized (link) {
                if (link.refusedReportedAt != Long.MIN_VALUE && now - link.refusedReportedAt < backoff) {
                    return;
                }
                link.refusedReportedAt = now;
                link.connected = false;
            }
            run(() -> listener.onPeerUnreachable(to));
        }

        /** On this node's network thread. */
        private void receive(String from, ByteBuffer frame, int length, Link link, long epoch) {
            if (link.epoch.get() != epoch) {
                return; // lost in flight when the link broke
            }
            framesIn.incrementAndGet();
            bytesIn.addAndGet(length);
            ProtocolMessage message;
            try {
                message = codec.decode(frame);
            } catch (MalformedFrameException | RuntimeException e) {
                malformed.incrementAndGet();
                return;
            }
            listener.onMessage(from, message);
        }

        /** Runs a callback on this node's network thread, unless the node stopped (then never). */
        private void run(Runnable callback) {
            ExecutorService t = thread;
            if (t == null || state != State.RUNNING) {
                return;
            }
            try {
                t.execute(() -> {
                    if (state != State.RUNNING) {
                        return;
                    }
                    try {
                        callback.run();
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "in-memory network: a callback of " + address + " failed", e);
                    }
                });
            } catch (RejectedExecutionException e) {
                // stopped meanwhile
            }
        }

        /** Crash or close: @return whether this call stopped the node. */
        private boolean stop(State how) {
            synchronized (this) {
                if (state != State.RUNNING) {
                    if (how == State.CLOSED) {
                        state = State.CLOSED;
                        if (address != null) {
                            nodes.remove(address, this);
                        }
                    }
                    return false;
                }
                state = how;
            }
            thread.shutdownNow();
            boolean crash = how == State.CRASHED;
            // Peers with a connection to or from this node see it reset or closed.
            for (Node peer : nodes.values()) {
                if (peer == this || peer.state != State.RUNNING) {
                    continue;
                }
                Link toPeer = outLinks.get(peer.address);
                Link fromPeer = peer.outLinks.get(address);
                boolean had = (toPeer != null && toPeer.connected) || (fromPeer != null && fromPeer.connected);
                if (crash) {
                    if (toPeer != null) {
                        toPeer.epoch.incrementAndGet();
                    }
                    if (fromPeer != null) {
                        fromPeer.epoch.incrementAndGet();
                    }
                }
                if (toPeer != null) {
                    toPeer.connected = false;
                }
                if (fromPeer != null) {
                    fromPeer.connected = false;
                }
                if (had) {
                    String gone = address;
                    peer.run(() -> peer.listener.onConnectionLost(gone));
                }
            }
            if (how == State.CLOSED) {
                nodes.remove(address, this);
            }
            return true;
        }

        @Override
        public TransportStats stats() {
            int open = 0;
            for (Link link : outLinks.values()) {
                if (link.connected) {
                    open++;
                }
            }
            for (Node peer : nodes.values()) {
                Link in = peer == this ? null : peer.outLinks.get(address);
                if (in != null && in.connected) {
                    open++;
                }
            }
            return new TransportStats(framesIn.get(), bytesIn.get(), framesOut.get(), bytesOut.get(), malformed.get(),
                    dropped.get(), open);
        }

        @Override
        public void close() {
            stop(State.CLOSED);
        }

        @Override
        public String toString() {
            return "InMemoryTransport[" + address + ", " + state + "]";
        }
    }
}
