package io.vsync.transport;

import io.vsync.codec.FrameCodec;
import io.vsync.codec.MalformedFrameException;
import io.vsync.message.ProtocolMessage;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The transport's single I/O thread: accepts, connects, reads, decodes, writes, and calls the
 * listener; after each pass it runs the hosted work (the engine's protocol core), if any, and
 * writes what that work sent. Nothing here is touched by another thread except through
 * {@link OutboundTable}, {@link #host} and {@link #stop()}.
 */
final class IoLoop implements Runnable {
    private static final System.Logger LOG = System.getLogger(IoLoop.class.getName());
    /** Reads per readable connection per pass, so that one busy peer cannot starve the others. */
    private static final int READS_PER_PASS = 16;
    private static final long IDLE_SELECT_MILLIS = 1000;

    private final Selector selector;
    private final ServerSocketChannel server;
    private final OutboundTable outbound;
    private final FrameCodec codec;
    private final TransportConfig config;
    private final TransportListener listener;
    private final Counters counters;
    /** Null: plain connections. */
    private final TransportTls tls;
    private final RateLimitedLog plainLog =
            new RateLimitedLog(System.getLogger(PlainFilter.class.getName()), 10, TimeUnit.SECONDS);
    private final List<Outbound> connecting = new ArrayList<>();
    private final List<Inbound> inbound = new ArrayList<>();
    private final ByteBuffer discard = ByteBuffer.allocate(256);
    private volatile boolean running = true;
    private long lastHousekeepingNanos = System.nanoTime();
    private volatile HostedWork hosted;
    /** Runs at the end of every pass: writes the frames this thread sent during it. */
    private final Runnable endOfPass;
    private long hostedDueNanos;

    IoLoop(Selector selector, ServerSocketChannel server, OutboundTable outbound, FrameCodec codec,
           TransportConfig config, TransportListener listener, Counters counters, TransportTls tls,
           Runnable endOfPass) {
        this.endOfPass = endOfPass;
        this.selector = selector;
        this.server = server;
        this.outbound = outbound;
        this.codec = codec;
        this.config = config;
        this.listener = listener;
        this.counters = counters;
        this.tls = tls;
    }

    /** Runs {@code work} after every pass from now on; the next pass runs it at once. */
    void host(HostedWork work) {
        hosted = work;
        outbound.wakeIfSelecting();
    }

    /** Asks the loop to end; it closes every channel on its way out. */
    void stop() {
        running = false;
        selector.wakeup();
    }

    @Override
    public void run() {
        try {
            server.register(selector, SelectionKey.OP_ACCEPT);
            while (running) {
                select();
                handleSelectedKeys();
                handleReady();
                runHosted();
                endOfPass.run();
                expireConnects();
                housekeeping();
            }
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "transport I/O thread failed; the transport is dead", t);
        } finally {
            closeEverything();
        }
    }

    private void runHosted() {
        HostedWork work = hosted;
        if (work == null) {
            return;
        }
        long delayMillis;
        try {
            delayMillis = work.runPass();
        } catch (RuntimeException | Error e) { // the work guards itself; this keeps the sockets alive regardless
            LOG.log(Level.ERROR, "hosted work failed", e);
            delayMillis = 1;
        }
        hostedDueNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, delayMillis));
    }

    private void select() throws IOException {
        HostedWork work = hosted;
        boolean idle = outbound.prepareToBlock(); // first: a sender queueing after this wakes us
        if (!idle || (work != null && (work.hasQueued() || hostedDueNanos - System.nanoTime() <= 0))) {
            outbound.doneSelecting();
            selector.selectNow();
            return;
        }
        try {
            selector.select(selectTimeoutMillis());
        } finally {
            outbound.doneSelecting();
        }
    }

    private long selectTimeoutMillis() {
        long timeout = IDLE_SELECT_MILLIS;
        long now = System.nanoTime();
        if (hosted != null) {
            timeout = Math.min(timeout, TimeUnit.NANOSECONDS.toMillis(hostedDueNanos - now + 999_999));
        }
        for (Outbound c : connecting) {
            timeout = Math.min(timeout, TimeUnit.NANOSECONDS.toMillis(c.connectDeadlineNanos - now) + 1);
        }
        return Math.max(1, timeout);
    }

    private void handleSelectedKeys() {
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext() && running) {
            SelectionKey key = keys.next();
            keys.remove();
            try {
                Object attachment = key.attachment();
                if (!key.isValid()) {
                    continue;
                }
                if (attachment instanceof Inbound in) {
                    read(in);
                } else if (attachment instanceof Outbound out) {
                    handleOutbound(key, out);
                } else if (key.isAcceptable()) {
                    accept();
                }
            } catch (CancelledKeyException e) {
                // closed by a callback while its key was pending: nothing left to do
            }
        }
    }

    // ---- Inbound connections: accept, read, decode.

    private void accept() {
        while (true) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "accept failed: {0}", e.toString());
                return;
            }
            if (ch == null) {
                return;
            }
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
                Inbound in = new Inbound(ch, key, codec, config.readBufferSize(), System.nanoTime());
                in.filter = tls == null ? ConnectionFilter.plainInbound(plainLog) : new TlsFilter(tls, false, null,
                        codec);
                in.sink = body -> frame(in, body);
                key.attach(in);
                inbound.add(in);
                counters.openConnections.incrementAndGet();
            } catch (IOException e) {
                closeQuietly(ch);
            }
        }
    }

    private void read(Inbound in) {
        try {
            for (int i = 0; (i < READS_PER_PASS || in.filter.hasBufferedInput()) && running && in.key.isValid(); i++) {
                ByteBuffer target = in.assembler.readTarget();
                int room = target.remaining();
                int n = in.filter.read(in.channel, target);
                if (n < 0) {
                    closeInbound(in, true);
                    return;
                }
                if (n == 0) {
                    return;
                }
                counters.bytesIn.add(n);
                in.assembler.drain(in.sink);
                if (n < room && in.filter.shortReadEmptiesSocket()) {
                    // Reading on would return 0: one wasted system call per wake-up. The selector
                    // is level-triggered, so bytes arriving from now on are reported again.
                    return;
                }
            }
        } catch (MalformedFrameException e) {
            counters.malformed.increment();
            LOG.log(Level.WARNING, "closing connection from {0}: {1}", describe(in), e.getMessage());
            closeInbound(in, true);
        } catch (IOException e) {
            closeInbound(in, true);
        } catch (ConnectionFilter.Refused e) { // its filter logged why
            counters.malformed.increment();
            closeInbound(in, false);
        }
    }

    /** One frame body from {@code in}: its Hello first, then protocol messages. */
    private void frame(Inbound in, ByteBuffer body) throws MalformedFrameException {
        if (!running) {
            return;
        }
        counters.framesIn.increment();
        if (in.peer == null) {
            String address = in.decoder.decodeHelloBody(body).listenAddress(); // not a hello: the stream is not ours
            if (in.filter.refusal(address) != null) {
                throw new ConnectionFilter.Refused(address);
            }
            in.peer = address;
            return;
        }
        ProtocolMessage message;
        try {
            message = in.decoder.decodeBody(body);
        } catch (MalformedFrameException e) {
            counters.malformed.increment();
            LOG.log(Level.DEBUG, "dropped a malformed frame from {0}: {1}", in.peer, e.getMessage());
            return;
        } catch (RuntimeException e) { // a codec bug must not take the I/O thread down
            counters.malformed.increment();
            LOG.log(Level.ERROR, "frame decoder failed on a frame from " + in.peer, e);
            return;
        }
        try {
            listener.onMessage(in.peer, message);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "transport listener failed on a message from " + in.peer, e);
        }
    }

    private void closeInbound(Inbound in, boolean report) {
        if (!in.channel.isOpen()) {
            return; // already closed
        }
        in.key.cancel();
        in.filter.closing(in.channel);
        closeQuietly(in.channel);
        inbound.remove(in);
        counters.openConnections.decrementAndGet();
        if (report && in.peer != null && running) {
            try {
                listener.onConnectionLost(in.peer);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "transport listener failed", e);
            }
        }
    }

    // ---- Outbound connections: connect, write, notice the peer closing.

    private void handleReady() {
        for (Outbound c; running && (c = outbound.pollReady()) != null; ) {
            c.unschedule();
            if (c.isClosed()) {
                continue;
            }
            if (c.channel == null) {
                startConnect(c);
            } else if (c.connected) {
                flush(c);
            } // else connecting: flushed once connected
        }
    }

    private void startConnect(Outbound c) {
        try {
            InetSocketAddress address = HostPort.resolve(c.address);
            c.channel = SocketChannel.open();
            c.filter = tls == null ? ConnectionFilter.plainOutbound(c.address, plainLog)
                    : new TlsFilter(tls, true, c.address, codec);
            c.channel.configureBlocking(false);
            c.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c.key = c.channel.register(selector, SelectionKey.OP_CONNECT, c);
            if (c.channel.connect(address)) {
                connected(c);
            } else {
                c.connectDeadlineNanos = System.nanoTime() + config.connectTimeout().toNanos();
                connecting.add(c);
            }
        } catch (IOException | RuntimeException e) { // refused at once, unresolvable, not host:port
            connectFailed(c, e.toString());
        }
    }

    private void handleOutbound(SelectionKey key, Outbound c) {
        c.socketLock.lock(); // the batching sender may be writing this connection
        try {
            handleOutboundLocked(key, c);
        } finally {
            c.socketLock.unlock();
        }
    }

    private void handleOutboundLocked(SelectionKey key, Outbound c) {
        if (key.isConnectable()) {
            try {
                if (c.channel.finishConnect()) {
                    connecting.remove(c);
                    connected(c);
                }
            } catch (IOException e) {
                connectFailed(c, e.toString());
            }
            return;
        }
        if (key.isReadable()) {
            // The peer never writes on our sending connection: a read only tells us it closed.
            try {
                int n = c.filter.read(c.channel, discard.clear());
                if (n < 0) {
                    connectionLost(c);
                    return;
                }
            } catch (IOException | MalformedFrameException e) {
                connectionLost(c);
                return;
            } catch (ConnectionFilter.Refused e) {
                refused(c, e.getMessage());
                return;
            }
        }
        if (key.isValid() && (key.isWritable() || c.filter.readyToFlush())) {
            flush(c);
        }
    }

    private void connected(Outbound c) {
        c.socketLock.lock();
        try {
            c.connected = true;
            counters.openConnections.incrementAndGet();
            c.key.interestOps(SelectionKey.OP_READ);
            flush(c);
        } finally {
            c.socketLock.unlock();
        }
    }

    private void flush(Outbound c) {
        c.socketLock.lock();
        try {
            boolean done = c.flush(counters);
            c.key.interestOps(done ? SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        } catch (IOException e) {
            connectionLost(c);
        } catch (ConnectionFilter.Refused e) {
            refused(c, e.getMessage());
        } finally {
            c.socketLock.unlock();
        }
    }

    /**
     * The peer refused us, or we refused its TLS identity: back off as after a failed connect,
     * but report a lost connection, not an unreachable peer. The peer is alive; a joiner that
     * took its seeds for dead would found a group of its own.
     */
    private void refused(Outbound c, String reason) {
        if (c.isClosed()) {
            return;
        }
        connecting.remove(c);
        outbound.connectFailed(c);
        counters.dropped.add(c.close());
        counters.openConnections.decrementAndGet();
        LOG.log(Level.DEBUG, "peer {0} refused: {1}", c.address, reason);
        if (running) {
            try {
                listener.onConnectionLost(c.address);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "transport listener failed", e);
            }
        }
    }

    private void expireConnects() {
        if (connecting.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        for (Outbound c : new ArrayList<>(connecting)) {
            if (now - c.connectDeadlineNanos >= 0) {
                connectFailed(c, "connect timed out after " + config.connectTimeout().toMillis() + " ms");
            }
        }
    }

    private void connectFailed(Outbound c, String reason) {
        connecting.remove(c);
        outbound.connectFailed(c);
        counters.dropped.add(c.close());
        LOG.log(Level.DEBUG, "peer {0} unreachable: {1}", c.address, reason);
        if (running) {
            try {
                listener.onPeerUnreachable(c.address);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "transport listener failed", e);
            }
        }
    }

    private void connectionLost(Outbound c) {
        if (c.isClosed()) {
            return;
        }
        outbound.lost(c);
        counters.dropped.add(c.close());
        counters.openConnections.decrementAndGet();
        if (running) {
            try {
                listener.onConnectionLost(c.address);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "transport listener failed", e);
            }
        }
    }

    /** About once a second: forget expired backoffs, close accepted connections that never said Hello. */
    private void housekeeping() {
        long now = System.nanoTime();
        if (now - lastHousekeepingNanos < TimeUnit.MILLISECONDS.toNanos(IDLE_SELECT_MILLIS)) {
            return;
        }
        lastHousekeepingNanos = now;
        outbound.pruneBackoffs();
        long helloTimeout = config.connectTimeout().toNanos();
        for (Inbound in : new ArrayList<>(inbound)) {
            if (in.peer == null && now - in.acceptedNanos > helloTimeout) {
                counters.malformed.increment();
                LOG.log(Level.WARNING, "closing connection from {0}: no hello within {1} ms", describe(in),
                        config.connectTimeout().toMillis());
                closeInbound(in, false);
            }
        }
    }

    // ---- Shutdown.

    private void closeEverything() {
        for (Outbound c : outbound.all()) {
            if (c.connected && !c.isClosed()) {
                counters.openConnections.decrementAndGet();
            }
            counters.dropped.add(c.close());
        }
        for (Inbound in : new ArrayList<>(inbound)) {
            closeInbound(in, false);
        }
        closeQuietly(server);
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static String describe(Inbound in) {
        if (in.peer != null) {
            return in.peer;
        }
        try {
            return "unidentified " + in.channel.getRemoteAddress();
        } catch (IOException e) {
            return "unidentified peer";
        }
    }
}
