package io.vsync.transport;

import io.vsync.codec.EncodedFrame;
import io.vsync.codec.FrameCodec;
import io.vsync.codec.Hello;
import io.vsync.message.ProtocolMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * TCP transport on java.nio with one I/O thread.
 *
 * <p>Each engine sends on its own outbound connection to each peer, opened lazily on the first
 * send, and receives on the connections peers opened to it: two one-way connections per pair,
 * so there is no simultaneous-connect race to settle. Every outbound connection starts with a
 * {@link Hello} naming this engine's listen address, which is how the acceptor knows who is
 * speaking.
 *
 * <p>{@code send} encodes on the calling thread and queues the frame (a Data payload by
 * reference, not copied); the I/O thread coalesces queued frames into large writes. The
 * engine's protocol thread is a batching sender ({@link #batchSendsOfCurrentThread()}): it
 * writes its own batch's frames at the end of the batch, one write per peer, and the I/O
 * thread is woken only for what it could not write (a busy, unopened or full connection) —
 * at low rates that removes one thread hand-off from every hop. Frames for a peer are dropped (and counted) when its queue
 * is over {@link TransportConfig#maxQueuedBytesPerPeer()}, during the reconnect backoff after a
 * failed connect, and when its connection fails or breaks; the protocol above resends.
 */
public final class NioTransport implements Transport {
    private enum State { NEW, RUNNING, CLOSED }

    private final TransportConfig config;
    private final TransportListener listener;
    private final FrameCodec codec;
    private final Counters counters = new Counters();
    private final TransportTls tls;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private volatile String localAddress;
    private volatile OutboundTable outbound;
    private IoLoop loop;
    private Thread ioThread;
    private volatile Thread batchingThread;
    /** Batching thread only: the connections it queued frames on in its current batch. */
    private final List<Outbound> heldInBatch = new ArrayList<>();

    public NioTransport(TransportConfig config, TransportListener listener) {
        this(config, listener, null);
    }

    /**
     * A transport whose connections all run TLS ({@code tls} non-null): peers without TLS, or
     * whose certificate is not trusted or does not name their address, are refused.
     */
    public NioTransport(TransportConfig config, TransportListener listener, TransportTls tls) {
        this.tls = tls;
        this.config = Objects.requireNonNull(config, "config");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.codec = new FrameCodec(config.maxFrameLength());
    }

    /** The codec frames are encoded with; the engine sizes its fragments by it. */
    public FrameCodec codec() {
        return codec;
    }

    @Override
    public synchronized void start() throws IOException {
        if (state.get() != State.NEW) {
            throw new IllegalStateException("transport already " + state.get().name().toLowerCase());
        }
        Selector selector = Selector.open();
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(config.bindHost(), config.port()));
            server.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            server.close();
            selector.close();
            throw e;
        }
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        localAddress = HostPort.format(config.hostToAdvertise(), port);
        EncodedFrame hello = codec.encodeFrame(new Hello(localAddress));
        outbound = new OutboundTable(selector, hello, config);
        loop = new IoLoop(selector, server, outbound, codec, config, listener, counters, tls, this::endSendBatch);
        ioThread = new Thread(loop, "vsync-io-".concat(String.valueOf(port)));
        ioThread.setDaemon(true);
        if (!state.compareAndSet(State.NEW, State.RUNNING)) { // closed while we were binding
            server.close();
            selector.close();
            throw new IllegalStateException("transport closed during start");
        }
        ioThread.start();
    }

    @Override
    public String localAddress() {
        String address = localAddress;
        if (address == null) {
            throw new IllegalStateException("transport not started");
        }
        return address;
    }

    @Override
    public void send(String toAddress, ProtocolMessage message) {
        EncodedFrame frame = encodeIfRunning(message);
        if (frame != null) {
            enqueue(toAddress, frame);
        }
    }

    @Override
    public void send(Collection<String> toAddresses, ProtocolMessage message) {
        EncodedFrame frame = encodeIfRunning(message);
        if (frame != null) {
            for (String address : toAddresses) {
                enqueue(address, frame);
            }
        }
    }

    @Override
    public TransportStats stats() {
        return counters.snapshot();
    }

    @Override
    public void close() {
        State previous = state.getAndSet(State.CLOSED);
        if (previous != State.RUNNING) {
            return;
        }
        loop.stop();
        if (Thread.currentThread() != ioThread) {
            try {
                ioThread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } // on the I/O thread itself (a callback closed us): the loop ends when the callback returns
    }

    /** The encoded frame, or null (counted as a drop) after close. */
    private EncodedFrame encodeIfRunning(ProtocolMessage message) {
        State s = state.get();
        if (s == State.NEW) {
            throw new IllegalStateException("transport not started");
        }
        if (s == State.CLOSED) {
            counters.dropped.increment();
            return null;
        }
        return codec.encodeFrame(message);
    }

    /** The protocol core on the I/O thread: a frame is read, handled and answered by one thread. */
    @Override
    public Runnable host(HostedWork work) {
        IoLoop running = loop;
        if (running == null || state.get() != State.RUNNING) {
            throw new IllegalStateException("transport not running");
        }
        running.host(work);
        OutboundTable table = outbound;
        return table::wakeIfSelecting;
    }

    @Override
    public void batchSendsOfCurrentThread() {
        batchingThread = Thread.currentThread();
    }

    @Override
    public void endSendBatch() {
        if (Thread.currentThread() != batchingThread || heldInBatch.isEmpty()) { // the list is that thread's
            return;
        }
        for (Outbound connection : heldInBatch) {
            connection.heldInBatch = false;
            if (!connection.writeFromSender(counters)) {
                outbound.schedule(connection);
            }
        }
        heldInBatch.clear();
    }

    private void enqueue(String toAddress, EncodedFrame frame) {
        Outbound connection = outbound.forSend(toAddress);
        if (connection == null || !connection.offer(frame)) {
            counters.dropped.increment(); // backing off after a failed connect, or queue full
            return;
        }
        if (Thread.currentThread() != batchingThread) {
            outbound.schedule(connection);
        } else if (!connection.heldInBatch) {
            connection.heldInBatch = true;
            heldInBatch.add(connection);
        }
    }
}
