package io.vsync.security;

import io.vsync.api.MemberId;
import io.vsync.api.SecurityStatus;
import io.vsync.codec.EncodedFrame;
import io.vsync.codec.FrameCodec;
import io.vsync.codec.FrameDecoder;
import io.vsync.codec.MalformedFrameException;
import io.vsync.message.Commit;
import io.vsync.message.Data;
import io.vsync.message.GroupMessage;
import io.vsync.message.OrderToken;
import io.vsync.message.ProtocolMessage;
import io.vsync.transport.RateLimitedLog;
import io.vsync.transport.Transport;
import io.vsync.transport.TransportConfig;
import io.vsync.transport.TransportListener;
import io.vsync.transport.TransportStats;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import javax.crypto.AEADBadTagException;

/**
 * A {@link Transport} decorator that authenticates every frame with the cluster secret,
 * encrypts every frame between two processes, and seals group traffic under per-view keys
 * that the leader of each view hands to that view's members only. See {@code docs/security.md}
 * for the design and the wire format.
 *
 * <p>In short: each direction between two processes is a <em>session</em> opened by an
 * authenticated handshake (OFFER with the offerer's X25519 key and a nonce, ACCEPT with the
 * accepter's key and its own nonce, both HMAC'd under a key derived from the cluster secret).
 * The session key is HKDF of the X25519 result, salted by the cluster secret, bound to both
 * nonces and addresses. Frames of a session carry a sequence number inside the AES-GCM tag;
 * a receiver takes only numbers above the last it took, so a replay on the same or a new
 * connection is dropped. {@link Data} and {@link OrderToken} are sealed instead under a key
 * bound to both the session and their view's key ({@link SessionCipher}), which the view's
 * leader (members[0] of the Commit's decision) generates and sends to each member wrapped under
 * an X25519-derived pairwise key ({@link ViewKeys}): one AES-GCM operation per frame and peer.
 * A multicast to several peers that hold the view key is sealed once instead, under the
 * sender's key of the view ({@link SenderKeys}), and the same envelope goes to each of them.
 * Everything rides inside ordinary {@link Data} frames of a reserved group name, so any inner
 * transport carries it unchanged.
 *
 * <p>Frames that fail are dropped, counted ({@link #securityStats()}, and in
 * {@link TransportStats#malformedFrames()}) and logged at most every ten seconds per peer and
 * kind. Nothing secret is logged or put in an exception.
 */
public final class SecureTransport implements Transport {
    private static final System.Logger LOG = System.getLogger(SecureTransport.class.getName());

    /** The reserved group name of the carrier frames: not a valid application group name. */
    static final String TUNNEL_GROUP = "#vsync-secure";
    static final MemberId TUNNEL_SENDER = new MemberId("#", 0);
    /** Bytes the envelope adds at most; the inner transport's frame cap is raised by this. */
    static final int ENVELOPE_OVERHEAD = 1024;

    static final int MAGIC = Wire.MAGIC;
    static final int VERSION = Wire.VERSION;
    static final int OFFER = Wire.OFFER;
    static final int ACCEPT = Wire.ACCEPT;
    static final int REJECT = Wire.REJECT;
    static final int RESET = Wire.RESET;
    static final int LINK = Wire.LINK;
    static final int GROUP = Wire.GROUP;
    static final int GROUP_DIRECT = Wire.GROUP_DIRECT;
    static final int GROUP_SHARED = Wire.GROUP_SHARED;

    /** Whether an envelope type carries group traffic (any form). */
    static boolean isGroup(int type) {
        return type == GROUP || type == GROUP_DIRECT || type == GROUP_SHARED;
    }

    private static final int K_MESSAGE = Wire.K_MESSAGE;
    private static final int K_KEY_GRANT = Wire.K_KEY_GRANT;
    private static final int K_KEY_REQUEST = Wire.K_KEY_REQUEST;

    static final int REASON_AUTH = 1;
    static final int REASON_ADDRESS = 2;

    private static final int SEALED_HEADER = Wire.SEALED_HEADER;

    private static final long WAIT_LIMIT_NANOS = TxSession.WAIT_LIMIT_NANOS;
    private static final int MAX_WAITING_FRAMES = TxSession.MAX_WAITING_FRAMES;
    private static final long MAX_WAITING_BYTES = TxSession.MAX_WAITING_BYTES;
    private static final long HOUSEKEEPING_MILLIS = 50;
    /** Plaintext bytes sealed together at most when a batch of multicasts is sealed as one. */
    static final int SHARED_BATCH_BYTES = 64 * 1024;

    private final Transport inner;
    private final TransportListener listener;
    private final FrameCodec codec;
    private final ClusterKeys keys;
    private final byte[] ownPublic;
    private final GroupKeys groupKeys = new GroupKeys();
    private final SecureRandom random = new SecureRandom();
    private final RateLimitedLog log = new RateLimitedLog(LOG, 10, TimeUnit.SECONDS);
    private final SecurityCounters stats = new SecurityCounters();
    private final ViewKeys views;
    private final Handshake handshake;
    private final Map<String, TxSession> tx = new ConcurrentHashMap<>();
    /** Multicasts sealed once for all peers, and the batching thread's batch of them. */
    private final SharedSender shared;
    /** Per sending thread, where a message is encoded before it is sealed. */
    private final ThreadLocal<byte[]> sendBuffers = ThreadLocal.withInitial(() -> new byte[2048]);
    /** Receiving state; every field below and every RxPeer is guarded by {@code rxLock}. */
    private final Object rxLock = new Object();
    private final Map<String, RxPeer> rx = new HashMap<>();
    /** Where authentic sealed content is opened: reused, one receive thread at a time (rxLock). */
    private byte[] scratch = new byte[1024];
    /** Exceptions caught on the receive path: bugs, which the fuzz tests look for. */
    final AtomicLong internalErrors = new AtomicLong();
    private volatile boolean rxDrainNeeded;
    private volatile String localAddress;
    private volatile boolean closed;
    private ScheduledExecutorService housekeeping;

    /** TLS when certificates authenticate the connections (with or without a secret), else the secret. */
    private final SecurityStatus.Mode mode;
    /** The TLS layer under this one, whose counters the status carries; null without TLS. */
    private final TlsConfig tls;

    /**
     * @param security     the cluster secret
     * @param config       the transport settings the engine asked for; the inner transport
     *                     gets them with its frame cap raised by the envelope's overhead
     * @param listener     the engine's listener: it sees only authenticated, decrypted messages
     * @param innerFactory makes the transport that carries the sealed frames (TCP by default)
     */
    public SecureTransport(SecurityConfig security, TransportConfig config, TransportListener listener,
                           BiFunction<TransportConfig, TransportListener, Transport> innerFactory) {
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(config, "config");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.codec = new FrameCodec(config.maxFrameLength());
        this.keys = new ClusterKeys(security);
        this.mode = security.tlsConfig() != null ? SecurityStatus.Mode.TLS : SecurityStatus.Mode.SHARED_SECRET;
        this.tls = security.tlsConfig();
        this.ownPublic = keys.publicKey();
        this.views = new ViewKeys(this, groupKeys, keys, stats, log, random);
        this.handshake = new Handshake(this, keys, groupKeys, stats, log, random);
        this.shared = new SharedSender(Math.min(SHARED_BATCH_BYTES, config.maxFrameLength()), this::session,
                this::innerSend);
        this.inner = innerFactory.apply(config.withMaxFrameLength(config.maxFrameLength() + ENVELOPE_OVERHEAD),
                new InnerListener());
    }

    // ================================================================== Transport

    @Override
    public void start() throws IOException {
        inner.start();
        shared.start(new SenderKeys(groupKeys, inner.localAddress(), ownPublic));
        localAddress = inner.localAddress();
        housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vsync-security-" + localAddress);
            t.setDaemon(true);
            return t;
        });
        housekeeping.scheduleWithFixedDelay(this::housekeeping, HOUSEKEEPING_MILLIS, HOUSEKEEPING_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public String localAddress() {
        return inner.localAddress();
    }

    /**
     * Sealing and opening happen on the caller's and the inner I/O thread, so the inner
     * transport can host the protocol core and batch its sends as if there were no layer between.
     */
    @Override
    public Runnable host(io.vsync.transport.HostedWork work) {
        return inner.host(work);
    }

    /**
     * The batching thread's multicasts are also sealed together: those of one batch for the same
     * group, view and peers become one envelope ({@link SharedBatch}) at the end of the batch.
     */
    @Override
    public void batchSendsOfCurrentThread() {
        shared.batchSendsOf(Thread.currentThread());
        inner.batchSendsOfCurrentThread();
    }

    @Override
    public void endSendBatch() {
        shared.flush();
        inner.endSendBatch();
    }

    @Override
    public void send(String toAddress, ProtocolMessage message) {
        send(List.of(toAddress), message);
    }

    @Override
    public void send(Collection<String> toAddresses, ProtocolMessage message) {
        if (localAddress == null) {
            throw new IllegalStateException("transport not started");
        }
        if (closed) {
            stats.droppedWaiting.add(toAddresses.size());
            return;
        }
        // Encoded once for all peers into this thread's reused buffer (the codec refers to a Data
        // payload, so this is the only copy of it), and sealed from there: once for all peers
        // that hold the view key (a multicast), else once per peer. Waiting frames copy it.
        EncodedFrame frame = codec.encodeFrame(message); // throws IllegalArgumentException when over the frame cap
        int len = frame.length() - FrameCodec.LENGTH_BYTES;
        boolean group = message instanceof Data || message instanceof OrderToken;
        if (group && toAddresses.size() > 1 && shared.continueBatch(
                ((GroupMessage) message).group(), viewIdOf((GroupMessage) message), toAddresses, frame, len)) {
            return;
        }
        // The body goes after room for a record header, so a shared envelope seals it in place.
        int at = SharedBatch.RECORD_HEADER;
        byte[] body = sendBuffer(at + len);
        frame.copyTo(ByteBuffer.wrap(body, at, len), FrameCodec.LENGTH_BYTES);
        if (message instanceof Commit commit) {
            views.observeCommit(commit, toAddresses);
        }
        if (!group || toAddresses.size() < 2) {
            shared.flush(); // whatever the batch holds was sent first: it goes out first
        }
        if (group) {
            GroupMessage m = (GroupMessage) message;
            long viewId = viewIdOf(m);
            byte[] groupUtf8 = m.group().getBytes(StandardCharsets.UTF_8);
            Collection<String> rest = toAddresses.size() > 1
                    ? shared.send(m.group(), groupUtf8, viewId, toAddresses, body, len) : toAddresses;
            for (String to : rest) {
                TxSession s = session(to);
                synchronized (s) {
                    s.submitGroup(m.group(), groupUtf8, viewId, body, at, len);
                }
            }
        } else {
            for (String to : toAddresses) {
                TxSession s = session(to);
                synchronized (s) {
                    s.submitLink(K_MESSAGE, body, at, len);
                }
            }
        }
        views.askForKeys();
    }

    /** This thread's buffer for encoded bodies, at least {@code n} bytes. */
    private byte[] sendBuffer(int n) {
        byte[] b = sendBuffers.get();
        if (b.length < n) {
            b = new byte[Math.max(n, 2 * b.length)];
            sendBuffers.set(b);
        }
        return b;
    }

    /**
     * The inner transport's counters, with the frames this layer rejected added to
     * {@code malformedFrames} and those it dropped while waiting added to {@code droppedFrames}.
     */
    @Override
    public TransportStats stats() {
        TransportStats t = inner.stats();
        SecurityStats s = securityStats();
        return new TransportStats(t.framesIn(), t.bytesIn(), t.framesOut(), t.bytesOut(),
                t.malformedFrames() + s.rejectedFrames(), t.droppedFrames() + s.droppedWaiting(), t.openConnections());
    }

    /** This layer's own counters. */
    public SecurityStats securityStats() {
        return stats.snapshot();
    }

    /** Mode, counters by reason and key epochs, as the engine publishes them; nothing secret. */
    public SecurityStatus securityStatus() {
        SecurityStats s = stats.snapshot();
        return new SecurityStatus(mode, s.handshakesCompleted(), s.handshakesRefused(),
                s.refusedByPeers(), s.unauthenticatedFrames(), s.replayedFrames(), s.undecryptableFrames(),
                s.malformedEnvelopes(), s.droppedWaiting(), s.viewKeysCreated(), s.viewKeysReceived(),
                s.keyRequestsRefused(), groupKeys.keyEpochs(), tlsCounters());
    }

    private SecurityStatus.Tls tlsCounters() {
        if (tls == null) {
            return SecurityStatus.Tls.NONE;
        }
        io.vsync.transport.TlsStats t = tls.stats();
        return new SecurityStatus.Tls(t.handshakesCompleted(), t.handshakesFailed(), t.identityRefused(),
                t.plainRefused());
    }

    @Override
    public void close() {
        closed = true;
        if (housekeeping != null) {
            housekeeping.shutdownNow();
        }
        inner.close();
    }

    @Override
    public String toString() {
        return "SecureTransport[" + (localAddress != null ? localAddress : "not started") + "]";
    }

    // ================================================================== sending

    TxSession existingSession(String to) {
        return tx.get(to);
    }

    TxSession session(String to) {
        return tx.computeIfAbsent(to, peer -> new TxSession(this, stats, log, random, peer));
    }

    Handshake handshake() {
        return handshake;
    }

    ViewKeys views() {
        return views;
    }

    static long viewIdOf(GroupMessage m) {
        if (m instanceof Data d) {
            return d.viewId();
        }
        return ((OrderToken) m).viewId();
    }

    private static Data tunnel(byte[] envelope) {
        return new Data(TUNNEL_GROUP, 0, TUNNEL_SENDER, 0, 0, (byte) 0, true, envelope);
    }

    void innerSend(String to, byte[] envelope) {
        try {
            inner.send(to, tunnel(envelope));
        } catch (IllegalStateException e) { // closed underneath us
            stats.droppedWaiting.increment();
        }
    }

    /** One envelope to several peers: the inner transport encodes it once and queues it to each. */
    void innerSend(List<String> to, byte[] envelope) {
        try {
            inner.send(to, tunnel(envelope));
        } catch (IllegalStateException e) { // closed underneath us
            stats.droppedWaiting.add(to.size());
        }
    }

    /** Runs every {@value #HOUSEKEEPING_MILLIS} ms: handshake retries, expiry, key requests. */
    private void housekeeping() {
        try {
            long now = System.nanoTime();
            for (TxSession s : tx.values()) {
                synchronized (s) {
                    s.expire(now);
                    s.pump(now);
                }
            }
            views.askForKeys();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "security housekeeping failed", e);
        }
    }

    /** A view key became known: what waits for it can go (the receive side drains on its next frame). */
    void keyArrived() {
        rxDrainNeeded = true;
        long now = System.nanoTime();
        for (TxSession s : tx.values()) {
            synchronized (s) {
                if (s.established && s.hasQueue()) {
                    s.pump(now);
                }
            }
        }
    }

    // ================================================================== receiving

    private final class InnerListener implements TransportListener {
        @Override
        public void onMessage(String fromAddress, ProtocolMessage message) {
            receive(fromAddress, message);
        }

        @Override
        public void onPeerUnreachable(String address) {
            TxSession s = tx.get(address);
            if (s != null) {
                synchronized (s) {
                    s.reset();
                    s.clear();
                }
            }
            listener.onPeerUnreachable(address);
        }

        @Override
        public void onConnectionLost(String address) {
            listener.onConnectionLost(address);
        }
    }

    /** Everything received goes through here (the inner transport's I/O thread). Never throws. */
    void receive(String from, ProtocolMessage message) {
        synchronized (rxLock) {
            long now = System.nanoTime();
            try {
                if (!(message instanceof Data d) || !TUNNEL_GROUP.equals(d.group())) {
                    stats.unauthenticated.increment();
                    log.log(Level.WARNING, "plain", from, "dropped an unauthenticated {0} frame from {1}: that peer "
                            + "does not use cluster security (vsync.security is off there, or it is not a member of "
                            + "this cluster)", message.getClass().getSimpleName(), from);
                    return;
                }
                envelope(from, d.payload(), now);
            } catch (Bin.BadEnvelope e) {
                stats.malformed.increment();
                log.log(Level.WARNING, "malformed", from, "dropped a malformed secure frame from {0}: {1}", from,
                        e.getMessage());
            } catch (RuntimeException e) { // a bug here must not take the I/O thread down
                stats.malformed.increment();
                internalErrors.incrementAndGet();
                LOG.log(Level.ERROR, "secure frame from " + from + " could not be handled", e);
            }
            try {
                if (rxDrainNeeded) {
                    rxDrainNeeded = false;
                    drainAll(now);
                } else {
                    expireWaiting(now);
                }
                views.askForKeys();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "secure receive housekeeping failed", e);
            }
        }
    }

    private void envelope(String from, byte[] p, long now) throws Bin.BadEnvelope {
        Bin.Reader r = new Bin.Reader(p);
        if (r.u8() != MAGIC) {
            throw new Bin.BadEnvelope("bad magic");
        }
        int version = r.u8();
        if (version != VERSION) {
            throw new Bin.BadEnvelope("unsupported secure envelope version " + version + " (this engine speaks "
                    + VERSION + ")");
        }
        int type = r.u8();
        switch (type) {
            case OFFER -> handshake.onOffer(from, p, r, now);
            case ACCEPT -> handshake.onAccept(from, p, r);
            case REJECT -> handshake.onReject(from, p, r, now);
            case RESET -> handshake.onReset(from, p, r);
            case LINK, GROUP, GROUP_DIRECT -> onSealed(from, type, p, r, now);
            case GROUP_SHARED -> onGroupShared(from, p, r, now);
            default -> throw new Bin.BadEnvelope("unknown envelope type " + type);
        }
    }

    private FrameDecoder decoder(RxPeer peer) {
        if (peer.decoder == null) {
            peer.decoder = codec.newDecoder();
        }
        return peer.decoder;
    }

    RxPeer rxPeer(String from) {
        return rx.computeIfAbsent(from, a -> new RxPeer());
    }

    private void onSealed(String from, int type, byte[] p, Bin.Reader r, long now) throws Bin.BadEnvelope {
        long sid = r.i64();
        long seq = r.i64();
        if (r.remaining() < Crypto.TAG_BYTES) {
            throw new Bin.BadEnvelope("truncated tag");
        }
        RxPeer peer = rx.get(from);
        RxSession session = null;
        if (peer != null) {
            if (peer.established != null && peer.established.sid == sid) {
                session = peer.established;
            } else if (peer.pending != null && peer.pending.sid == sid) {
                session = peer.pending;
            }
        }
        if (session == null) {
            stats.unauthenticated.increment();
            log.log(Level.WARNING, "no-session", from, "dropped a frame from {0} of a session this engine does not "
                    + "hold (a replay, or the peer talks to an earlier incarnation of this engine)", from);
            handshake.sendReset(from, p, now);
            return;
        }
        switch (type) {
            case LINK -> onLink(from, peer, session, seq, p, now);
            case GROUP -> onGroup(from, peer, session, seq, p, r, now);
            default -> onGroupDirect(from, peer, session, seq, p, r, now);
        }
    }

    /** Whether {@code p} passed its tag on {@code session}: replays are dropped, a pending session becomes current. */
    private boolean fresh(String from, RxPeer peer, RxSession session, long seq) {
        long last = session.replay.last();
        if (!session.replay.accept(seq)) {
            stats.replayed.increment();
            log.log(Level.WARNING, "replay", from, "dropped a replayed frame from {0} (sequence number {1} after {2})",
                    from, seq, last);
            return false;
        }
        if (session == peer.pending) {
            peer.established = session;
            peer.pending = null;
        }
        return true;
    }

    private void badTag(String from) {
        stats.unauthenticated.increment();
        log.log(Level.WARNING, "bad-tag", from, "dropped a frame from {0} that failed authentication "
                + "(forged or corrupted)", from);
    }

    /** The reusable buffer, at least {@code n} bytes: authentic plaintext is opened into it, never kept. */
    private byte[] scratch(int n) {
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, 2 * scratch.length)];
        }
        return scratch;
    }

    private void onLink(String from, RxPeer peer, RxSession session, long seq, byte[] p, long now)
            throws Bin.BadEnvelope {
        // Opened into the reused buffer, never in place: the payload may still be someone else's
        // (an in-memory inner transport), and the JDK copies overlapping input anyway.
        byte[] b = scratch(p.length);
        int plain;
        try {
            plain = session.cipher.openLink(seq, p, SEALED_HEADER, SEALED_HEADER, p.length - SEALED_HEADER, b);
        } catch (AEADBadTagException e) {
            badTag(from);
            return;
        }
        if (!fresh(from, peer, session, seq)) {
            return;
        }
        onLinkPlain(from, peer, session, b, SEALED_HEADER, SEALED_HEADER + plain, now);
    }

    /** A GROUP frame with a link tag: authenticate it by that, then open it, or keep it until its view key is here. */
    private void onGroup(String from, RxPeer peer, RxSession session, long seq, byte[] p, Bin.Reader r, long now)
            throws Bin.BadEnvelope {
        String group = r.string("group");
        long viewId = r.i64();
        int labelEnd = r.position();
        int sealedLength = r.remaining() - Crypto.TAG_BYTES;
        if (sealedLength < Crypto.TAG_BYTES + FrameCodec.BODY_HEADER_BYTES) {
            throw new Bin.BadEnvelope("group ciphertext too short");
        }
        if (!session.cipher.linkTagOk(seq, p, p.length - Crypto.TAG_BYTES)) {
            badTag(from);
            return;
        }
        if (!fresh(from, peer, session, seq)) {
            return;
        }
        InItem item = new InItem(null, group, viewId, seq, p, labelEnd, sealedLength, session.cipher,
                now + WAIT_LIMIT_NANOS);
        if (peer.waiting.isEmpty() && deliver(from, item, false)) {
            return;
        }
        // Kept (a copy: the payload is not ours to hold) and opened when its key is here.
        deliverInOrder(from, peer, new InItem(null, group, viewId, seq, Arrays.copyOf(p, p.length), labelEnd,
                sealedLength, session.cipher, now + WAIT_LIMIT_NANOS));
    }

    /** A GROUP frame under K_gv only: its one tag authenticates both the link and the view key. */
    private void onGroupDirect(String from, RxPeer peer, RxSession session, long seq, byte[] p, Bin.Reader r,
                               long now) throws Bin.BadEnvelope {
        String group = r.string("group");
        long viewId = r.i64();
        int labelEnd = r.position();
        int sealedLength = r.remaining();
        if (sealedLength < Crypto.TAG_BYTES + FrameCodec.BODY_HEADER_BYTES) {
            throw new Bin.BadEnvelope("group ciphertext too short");
        }
        byte[] b = scratch(p.length);
        int plain;
        try {
            plain = session.cipher.openGroup(group, viewId, seq, p, labelEnd, labelEnd, sealedLength, b);
        } catch (AEADBadTagException e) {
            badTag(from);
            return;
        }
        if (plain < 0) {
            noKeyForOneTagFrame(from, group, viewId);
            return;
        }
        if (!fresh(from, peer, session, seq)) {
            return;
        }
        ProtocolMessage m = groupMessage(from, peer, group, viewId, b, labelEnd, plain);
        if (m != null) {
            deliverInOrder(from, peer, m, now);
        }
    }

    /**
     * A multicast sealed once under its sender's K_sv of the view: authenticated by that key
     * (bound to the sender's address and the public key of its established session), fresh when
     * its counter is above the highest this engine took from that sender in that view.
     */
    private void onGroupShared(String from, byte[] p, Bin.Reader r, long now) throws Bin.BadEnvelope {
        String group = r.string("group");
        long viewId = r.i64();
        long counter = r.i64();
        int labelEnd = r.position();
        int sealedLength = r.remaining();
        if (sealedLength < Crypto.TAG_BYTES + FrameCodec.BODY_HEADER_BYTES) {
            throw new Bin.BadEnvelope("group ciphertext too short");
        }
        RxPeer peer = rx.get(from);
        RxSession session = peer == null ? null : peer.established;
        if (session == null) {
            // No authenticated process behind that address: nothing to check the frame against.
            // (A restarted engine gets here; the sender's next link frame is answered by RESET.)
            stats.unauthenticated.increment();
            log.log(Level.WARNING, "no-session", from, "dropped a frame from {0} of a session this engine does not "
                    + "hold (a replay, or the peer talks to an earlier incarnation of this engine)", from);
            return;
        }
        if (peer.senderKeys == null || !peer.senderKeys.isFor(session.peerPublic)) {
            peer.senderKeys = new SenderKeys(groupKeys, from, session.peerPublic); // a new process there
        }
        SenderKeys.SenderKey key = peer.senderKeys.get(group, viewId);
        if (key == null) {
            noKeyForOneTagFrame(from, group, viewId);
            return;
        }
        byte[] b = scratch(p.length);
        int plain;
        try {
            plain = key.open(counter, p, labelEnd, sealedLength, b);
        } catch (AEADBadTagException e) {
            badTag(from);
            return;
        }
        if (counter <= key.counter) {
            stats.replayed.increment();
            log.log(Level.WARNING, "replay", from, "dropped a replayed frame from {0} (counter {1} after {2} in view "
                    + "{3})", from, counter, key.counter, viewId);
            return;
        }
        key.counter = counter;
        notePeerHolds(from, group, viewId); // it sealed with the view key: it holds it
        // The records: each an encoded frame, handed over in order. An authentic sender never
        // writes a bad length, so one ends the envelope (what came before it stays delivered).
        int end = labelEnd + plain;
        for (int at = labelEnd; at < end; ) {
            int n = end - at < SharedBatch.RECORD_HEADER ? -1 : SharedBatch.getLength(b, at);
            at += SharedBatch.RECORD_HEADER;
            if (n < FrameCodec.BODY_HEADER_BYTES || n > end - at) {
                throw new Bin.BadEnvelope("bad record length in a shared envelope");
            }
            ProtocolMessage m = decodeGroupMessage(from, peer, group, viewId, b, at, n);
            if (m != null) {
                deliverInOrder(from, peer, m, now);
            }
            at += n;
        }
    }

    private void noKeyForOneTagFrame(String from, String group, long viewId) {
        // An honest sender uses the one-tag forms only once this engine has shown it holds the
        // key: without the key nothing here can be authenticated, so it is not kept.
        stats.unauthenticated.increment();
        log.log(Level.WARNING, "direct-no-key", from, "dropped group traffic of view {0} of group {1} from {2} "
                + "sealed with a view key this engine does not hold", viewId, group, from);
        if (groupKeys.members(group, viewId) != null) {
            // A view this engine saw committed: its grant was lost with a connection. Ask, so
            // the engine's retransmissions open; labels of views never seen ask nothing.
            views.requestKey(group, viewId, from);
        }
    }

    /** The group message sealed in {@code b[from..from+length)}, or null (counted) when it does not decode or match its label. */
    private ProtocolMessage groupMessage(String from, RxPeer peer, String group, long viewId, byte[] b, int off,
                                         int length) {
        ProtocolMessage m = decodeGroupMessage(from, peer, group, viewId, b, off, length);
        if (m != null) {
            notePeerHolds(from, group, viewId); // it sealed with the view key: it holds it
        }
        return m;
    }

    private void notePeerHolds(String from, String group, long viewId) {
        TxSession back = tx.get(from);
        if (back != null) {
            back.notePeerHolds(group, viewId);
        }
    }

    /** As {@link #groupMessage}, without noting that the sender holds the view key. */
    private ProtocolMessage decodeGroupMessage(String from, RxPeer peer, String group, long viewId, byte[] b,
                                               int off, int length) {
        ProtocolMessage m;
        try {
            m = decoder(peer).decodeBody(ByteBuffer.wrap(b, off, length));
        } catch (MalformedFrameException e) {
            stats.malformed.increment();
            return null;
        }
        if (!(m instanceof Data || m instanceof OrderToken) || !((GroupMessage) m).group().equals(group)
                || viewIdOf((GroupMessage) m) != viewId) {
            stats.undecryptable.increment();
            log.log(Level.WARNING, "mislabelled", from, "dropped group traffic from {0} whose sealed content does "
                    + "not match its label", from);
            return null;
        }
        return m;
    }

    private void onLinkPlain(String from, RxPeer peer, RxSession session, byte[] b, int off, int end, long now)
            throws Bin.BadEnvelope {
        if (end <= off) {
            throw new Bin.BadEnvelope("empty link frame");
        }
        switch (b[off]) {
            case K_MESSAGE -> {
                ProtocolMessage m;
                try {
                    m = decoder(peer).decodeBody(ByteBuffer.wrap(b, off + 1, end - off - 1));
                } catch (MalformedFrameException e) {
                    stats.malformed.increment();
                    log.log(Level.WARNING, "bad-body", from, "dropped an authenticated but undecodable frame from "
                            + "{0}: {1}", from, e.getMessage());
                    return;
                }
                if (m instanceof Data || m instanceof OrderToken) {
                    stats.undecryptable.increment();
                    log.log(Level.WARNING, "not-sealed", from, "dropped group traffic from {0} that was not sealed "
                            + "with its view key", from);
                    return;
                }
                if (m instanceof Commit commit) {
                    views.observeCommit(commit, null);
                    if (rxDrainNeeded) {
                        rxDrainNeeded = false;
                        drainAll(now);
                    }
                }
                deliverInOrder(from, peer, m, now);
            }
            case K_KEY_GRANT -> {
                if (views.onGrant(from, session.peerPublic, b, off + 1, end)) {
                    rxDrainNeeded = false;
                    drainAll(now);
                }
            }
            case K_KEY_REQUEST -> views.onKeyRequest(from, b, off + 1, end);
            default -> throw new Bin.BadEnvelope("unknown link kind " + b[off]);
        }
    }

    /** Delivers {@code m} now when nothing of its sender waits, else queues it behind (sender order). */
    private void deliverInOrder(String from, RxPeer peer, ProtocolMessage m, long now) {
        if (peer.waiting.isEmpty()) {
            listener.onMessage(from, m);
            return;
        }
        deliverInOrder(from, peer, InItem.ready(m, now + WAIT_LIMIT_NANOS));
    }

    /** Delivers {@code item} now when nothing of its sender waits, else queues it behind (sender order). */
    private void deliverInOrder(String from, RxPeer peer, InItem item) {
        if (peer.waiting.isEmpty() && deliver(from, item, false)) {
            return;
        }
        if (peer.waiting.size() >= MAX_WAITING_FRAMES || peer.waitingBytes + item.size() > MAX_WAITING_BYTES) {
            stats.droppedWaiting.increment();
            return;
        }
        peer.waiting.add(item);
        peer.waitingBytes += item.size();
        if (item.ready() == null) {
            views.requestKey(item.group(), item.viewId(), from);
        }
    }

    /**
     * Opens and hands {@code item} to the engine.
     *
     * @return false when it must wait for its view key (and {@code force} is false)
     */
    private boolean deliver(String from, InItem item, boolean force) {
        if (item.ready() != null) {
            listener.onMessage(from, item.ready());
            return true;
        }
        if (!item.cipher().hasGroupKey(item.group(), item.viewId())) {
            if (force) {
                stats.droppedWaiting.increment();
                log.log(Level.INFO, "no-key", from, "dropped traffic of view {0} of group {1} from {2}: its key never "
                        + "arrived", item.viewId(), item.group(), from);
                return true;
            }
            views.requestKey(item.group(), item.viewId(), from);
            return false;
        }
        byte[] b = scratch(item.frame().length);
        int plain;
        try {
            plain = item.cipher().openGroup(item.group(), item.viewId(), item.seq(), item.frame(), item.labelEnd(), item.labelEnd(),
                    item.sealedLength(), b);
        } catch (AEADBadTagException e) {
            stats.undecryptable.increment();
            log.log(Level.WARNING, "bad-group-tag", from, "dropped traffic of view {0} of group {1} from {2}: it does "
                    + "not open with that view's key", item.viewId(), item.group(), from);
            return true;
        }
        ProtocolMessage m = groupMessage(from, rxPeer(from), item.group(), item.viewId(), b, item.labelEnd(), plain);
        if (m != null) {
            listener.onMessage(from, m);
        }
        return true;
    }

    private void drain(String from, RxPeer peer, long now) {
        while (!peer.waiting.isEmpty()) {
            InItem head = peer.waiting.peek();
            boolean expired = now - head.deadline() > 0;
            if (!deliver(from, head, expired)) {
                return;
            }
            peer.waiting.poll();
            peer.waitingBytes -= head.size();
        }
    }

    private void drainAll(long now) {
        for (Map.Entry<String, RxPeer> e : new ArrayList<>(rx.entrySet())) {
            if (!e.getValue().waiting.isEmpty()) {
                drain(e.getKey(), e.getValue(), now);
            }
        }
    }

    private void expireWaiting(long now) {
        for (Map.Entry<String, RxPeer> e : rx.entrySet()) {
            RxPeer peer = e.getValue();
            if (!peer.waiting.isEmpty() && now - peer.waiting.peek().deadline() > 0) {
                drain(e.getKey(), peer, now);
            }
        }
    }

    // ================================================================== test hooks (package-private)

    /** Whether this process holds the key of view {@code viewId} of {@code group}. */
    boolean holdsViewKey(String group, long viewId) {
        return groupKeys.hasKey(group, viewId);
    }

    /**
     * What a captured group envelope opens to with the view keys this process holds and the
     * given session key, or null: what an eavesdropper that knows both, and the sender's address
     * and public key (public: they travel in clear in every handshake), could read.
     */
    ProtocolMessage tryReadCaptured(byte[] envelope, byte[] linkKey, String senderAddress, byte[] senderPublic) {
        try {
            Bin.Reader r = new Bin.Reader(envelope);
            int type;
            if (r.u8() != MAGIC || r.u8() != VERSION || ((type = r.u8()) != GROUP && type != GROUP_DIRECT
                    && type != GROUP_SHARED)) {
                return null;
            }
            if (type == GROUP_SHARED) {
                String group = r.string("group");
                long viewId = r.i64();
                long counter = r.i64();
                SenderKeys.SenderKey key = new SenderKeys(groupKeys, senderAddress, senderPublic).get(group, viewId);
                if (key == null) {
                    return null;
                }
                byte[] b = new byte[envelope.length];
                int at = r.position();
                key.open(counter, envelope, at, r.remaining(), b); // the first record's message:
                return codec.decodeBody(ByteBuffer.wrap(b, at + SharedBatch.RECORD_HEADER, SharedBatch.getLength(b, at)));
            }
            r.i64();
            long seq = r.i64();
            String group = r.string("group");
            long viewId = r.i64();
            int labelEnd = r.position();
            int sealed = r.remaining() - (type == GROUP ? Crypto.TAG_BYTES : 0);
            byte[] b = new byte[envelope.length];
            int plain = new SessionCipher(linkKey, groupKeys).openGroup(group, viewId, seq, envelope, labelEnd,
                    labelEnd, sealed, b);
            return plain < 0 ? null : codec.decodeBody(ByteBuffer.wrap(b, labelEnd, plain));
        } catch (Bin.BadEnvelope | GeneralSecurityException | MalformedFrameException | RuntimeException e) {
            return null;
        }
    }

    /** The key of the session {@code from} sends to this process on: what a test eavesdropper is handed. */
    byte[] receivingSessionKeyForTest(String from) {
        synchronized (rxLock) {
            RxPeer peer = rx.get(from);
            return peer == null || peer.established == null ? null : peer.established.cipher.linkKeyForTest();
        }
    }

    /** Sends {@code plain} (kind byte first) on the session to {@code to}, sealed: the fuzz tests' way past the tag. */
    void sendLinkPlainForTest(String to, byte[] plain) {
        TxSession s = session(to);
        synchronized (s) {
            s.submitLink(-1, plain, 0, plain.length);
        }
    }

    /** Sends {@code body} sealed under the view key and the session: lets the fuzz tests reach the group opener. */
    void sendGroupBodyForTest(String to, String group, long viewId, byte[] body) {
        if (!groupKeys.hasKey(group, viewId)) {
            throw new IllegalStateException("no key for view " + viewId);
        }
        TxSession s = session(to);
        synchronized (s) {
            s.submitGroup(group, group.getBytes(StandardCharsets.UTF_8), viewId, body, 0, body.length);
        }
    }

    /**
     * Seals {@code records} (the plaintext of a GROUP_SHARED envelope, records or not) under this
     * process's K_sv with its next counter: what only an authentic sender could produce, so the
     * tests can reach the record parser.
     */
    byte[] sealSharedForTest(String group, long viewId, byte[] records) {
        return shared.sealForTest(group.getBytes(StandardCharsets.UTF_8), group, viewId, records);
    }

    /** Asks {@code peer} for the key of a view now, as a member missing it would: what a former member can try. */
    void askForViewKey(String group, long viewId, String peer) {
        views.requestKey(group, viewId, peer);
        views.askForKeys();
    }

    /** This process's X25519 public key (public by nature: it travels in every handshake). */
    byte[] publicKey() {
        return ownPublic.clone();
    }

    Transport inner() {
        return inner;
    }
}
