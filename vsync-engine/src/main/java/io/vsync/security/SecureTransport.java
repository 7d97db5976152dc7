package io.vsync.security;

import io.vsync.api.MemberId;
import io.vsync.codec.FrameCodec;
import io.vsync.codec.MalformedFrameException;
import io.vsync.message.Commit;
import io.vsync.message.Data;
import io.vsync.message.Decision;
import io.vsync.message.GroupMessage;
import io.vsync.message.OrderToken;
import io.vsync.message.ProtocolMessage;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

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
 * connection is dropped. {@link Data} and {@link OrderToken} are additionally sealed with
 * AES-GCM under the key of their view (per sender, via HKDF), which the view's leader
 * (members[0] of the Commit's decision) generates and sends to each member wrapped under an
 * X25519-derived pairwise key. Everything rides inside ordinary {@link Data} frames of a
 * reserved group name, so any inner transport carries it unchanged.
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

    static final int MAGIC = 0x53;
    static final int VERSION = 1;
    static final int OFFER = 1;
    static final int ACCEPT = 2;
    static final int REJECT = 3;
    static final int RESET = 4;
    static final int LINK = 5;
    static final int GROUP = 6;

    /** Kinds of a LINK frame's plaintext. */
    static final int K_MESSAGE = 0;
    static final int K_KEY_GRANT = 1;
    static final int K_KEY_REQUEST = 2;

    static final int REASON_AUTH = 1;
    static final int REASON_ADDRESS = 2;

    static final int NONCE_BYTES = 16;
    static final int SID_BYTES = 8;
    private static final int HEADER = 3;
    private static final int SEALED_HEADER = HEADER + SID_BYTES + 8;

    private static final long OFFER_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long REFUSED_RETRY_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long WAIT_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(3);
    private static final long KEY_REQUEST_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long RESET_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int MAX_OFFERS_PER_SECOND = 20;
    private static final int MAX_WAITING_FRAMES = 4096;
    private static final long MAX_WAITING_BYTES = 16L << 20;
    private static final long HOUSEKEEPING_MILLIS = 50;

    private final Transport inner;
    private final TransportListener listener;
    private final FrameCodec codec;
    private final ClusterKeys keys;
    private final byte[] ownPublic;
    private final GroupKeys groupKeys = new GroupKeys();
    private final SecureRandom random = new SecureRandom();
    private final Map<String, TxSession> tx = new ConcurrentHashMap<>();
    /** Receiving state; every field below and every RxPeer is guarded by {@code rxLock}. */
    private final Object rxLock = new Object();
    private final Map<String, RxPeer> rx = new HashMap<>();
    private final Map<String, Want> wanted = new ConcurrentHashMap<>();
    /** One counter for every group-sealed frame this process sends: nonces never repeat under any key. */
    private final AtomicLong groupNonce = new AtomicLong();
    private final RateLimitedLog log = new RateLimitedLog(LOG, 10, TimeUnit.SECONDS);
    private final Stats stats = new Stats();
    /** Exceptions caught on the receive path: bugs, which the fuzz tests look for. */
    final AtomicLong internalErrors = new AtomicLong();
    private volatile boolean rxDrainNeeded;
    private volatile String localAddress;
    private volatile boolean closed;
    private ScheduledExecutorService housekeeping;

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
        this.ownPublic = keys.publicKey();
        this.inner = innerFactory.apply(config.withMaxFrameLength(config.maxFrameLength() + ENVELOPE_OVERHEAD),
                new InnerListener());
    }

    // ================================================================== Transport

    @Override
    public void start() throws IOException {
        inner.start();
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
        byte[] body = encodeBody(message); // throws IllegalArgumentException when over the frame cap
        if (message instanceof Commit commit) {
            observeCommit(commit, toAddresses);
        }
        if (message instanceof Data || message instanceof OrderToken) {
            GroupMessage m = (GroupMessage) message;
            long viewId = viewIdOf(m);
            byte[] groupPart = sealGroup(m.group(), viewId, body);
            for (String to : toAddresses) {
                TxSession s = session(to);
                synchronized (s) {
                    if (groupPart != null) {
                        s.submit(Item.groupSealed(groupPart));
                    } else {
                        s.submit(Item.waitingForKey(m.group(), viewId, body));
                        requestKey(m.group(), viewId, to);
                    }
                }
            }
        } else {
            byte[] plain = new byte[body.length + 1];
            plain[0] = K_MESSAGE;
            System.arraycopy(body, 0, plain, 1, body.length);
            for (String to : toAddresses) {
                TxSession s = session(to);
                synchronized (s) {
                    s.submit(Item.link(plain));
                }
            }
        }
        askForKeys();
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

    private TxSession session(String to) {
        return tx.computeIfAbsent(to, TxSession::new);
    }

    private byte[] encodeBody(ProtocolMessage message) {
        ByteBuffer frame = codec.encode(message);
        byte[] body = new byte[frame.remaining() - FrameCodec.LENGTH_BYTES];
        frame.get(FrameCodec.LENGTH_BYTES, body);
        return body;
    }

    private static long viewIdOf(GroupMessage m) {
        if (m instanceof Data d) {
            return d.viewId();
        }
        return ((OrderToken) m).viewId();
    }

    /** The group part of a GROUP frame: group, view, nonce counter, ciphertext; null without the view key. */
    private byte[] sealGroup(String group, long viewId, byte[] body) {
        SecretKeySpec key = groupKeys.senderKey(group, viewId, localAddress, ownPublic);
        if (key == null) {
            return null;
        }
        long counter = groupNonce.incrementAndGet();
        byte[] aad = groupAad(group, viewId);
        Bin.Writer w = new Bin.Writer(aad.length + 8 + body.length + Crypto.TAG_BYTES);
        w.string(group).i64(viewId).i64(counter);
        int at = w.skip(body.length + Crypto.TAG_BYTES);
        try {
            Cipher c = Crypto.threadGcm();
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce(counter)));
            c.updateAAD(aad);
            c.doFinal(body, 0, body.length, w.array(), at);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
        return w.toBytes();
    }

    static byte[] groupAad(String group, long viewId) {
        return new Bin.Writer(16 + group.length()).bytes("vsync group".getBytes(StandardCharsets.UTF_8))
                .string(group).i64(viewId).toBytes();
    }

    static byte[] nonce(long counter) {
        byte[] n = new byte[Crypto.NONCE_BYTES];
        for (int i = 0; i < 8; i++) {
            n[4 + i] = (byte) (counter >>> (56 - 8 * i));
        }
        return n;
    }

    private Data tunnel(byte[] envelope) {
        return new Data(TUNNEL_GROUP, 0, TUNNEL_SENDER, 0, 0, (byte) 0, true, envelope);
    }

    private void innerSend(String to, byte[] envelope) {
        try {
            inner.send(to, tunnel(envelope));
        } catch (IllegalStateException e) { // closed underneath us
            stats.droppedWaiting.increment();
        }
    }

    /** Something to send on a session, in order. */
    private record Item(int kind, byte[] bytes, String group, long viewId, long deadline) {
        static final int LINK_PLAIN = 0;
        static final int GROUP_SEALED = 1;
        static final int WAITING_FOR_KEY = 2;

        static Item link(byte[] plain) {
            return new Item(LINK_PLAIN, plain, null, 0, System.nanoTime() + WAIT_LIMIT_NANOS);
        }

        static Item groupSealed(byte[] part) {
            return new Item(GROUP_SEALED, part, null, 0, System.nanoTime() + WAIT_LIMIT_NANOS);
        }

        static Item waitingForKey(String group, long viewId, byte[] body) {
            return new Item(WAITING_FOR_KEY, body, group, viewId, System.nanoTime() + WAIT_LIMIT_NANOS);
        }
    }

    /** One sending direction to one peer: its handshake, its session, and what waits for them. */
    private final class TxSession {
        final String peer;
        // All guarded by this.
        byte[] offerNonce;
        long offeredAt;
        long refusedUntil;
        boolean established;
        byte[] sid;
        long seq;
        SecretKeySpec key;
        byte[] peerPublic;
        final Cipher cipher = Crypto.newGcm();
        final ArrayDeque<Item> queue = new ArrayDeque<>();
        long queuedBytes;
        /** View-key grants (group, view) to send first once the session is up. */
        final ArrayDeque<Object[]> grants = new ArrayDeque<>();

        TxSession(String peer) {
            this.peer = peer;
        }

        void submit(Item item) {
            if (established && queue.isEmpty() && item.kind != Item.WAITING_FOR_KEY) {
                write(item);
                return;
            }
            if (queue.size() >= MAX_WAITING_FRAMES || queuedBytes + item.bytes.length > MAX_WAITING_BYTES) {
                stats.droppedWaiting.increment();
                return;
            }
            queue.add(item);
            queuedBytes += item.bytes.length;
            pump(System.nanoTime());
        }

        /** Sends what can go: handshake first, then grants, then the queue in order. */
        void pump(long now) {
            if (!established) {
                if (now - refusedUntil < 0) {
                    return;
                }
                if ((!queue.isEmpty() || !grants.isEmpty())
                        && (offerNonce == null || now - offeredAt > OFFER_RETRY_NANOS)) {
                    offer(now);
                }
                return;
            }
            while (!grants.isEmpty()) {
                Object[] g = grants.poll();
                sendGrant(this, (String) g[0], (Long) g[1]);
            }
            while (!queue.isEmpty()) {
                Item head = queue.peek();
                if (head.kind == Item.WAITING_FOR_KEY) {
                    byte[] part = sealGroup(head.group, head.viewId, head.bytes);
                    if (part == null) {
                        if (now - head.deadline > 0) {
                            drop(head, "no key for view " + head.viewId + " of group " + head.group);
                            continue;
                        }
                        requestKey(head.group, head.viewId, peer);
                        return;
                    }
                    head = Item.groupSealed(part);
                }
                remove();
                write(head);
            }
        }

        private void remove() {
            Item item = queue.poll();
            queuedBytes -= item.bytes.length;
        }

        private void drop(Item item, String why) {
            remove();
            stats.droppedWaiting.increment();
            log.log(Level.DEBUG, "wait-drop", peer, "dropped a frame for {0}: {1}", peer, why);
        }

        void expire(long now) {
            while (!queue.isEmpty() && now - queue.peek().deadline > 0) {
                drop(queue.peek(), established ? "waited too long for a view key"
                        : "no handshake with it within " + TimeUnit.NANOSECONDS.toMillis(WAIT_LIMIT_NANOS) + " ms");
            }
        }

        void offer(long now) {
            offerNonce = randomBytes(NONCE_BYTES);
            offeredAt = now;
            Bin.Writer w = new Bin.Writer(128).u8(MAGIC).u8(VERSION).u8(OFFER).string(localAddress).string(peer)
                    .bytes(ownPublic).bytes(offerNonce);
            innerSend(peer, withMac(w));
        }

        void establish(byte[] sessionKey, byte[] sessionId, byte[] peerKey) {
            established = true;
            key = Crypto.aesKey(sessionKey);
            Crypto.wipe(sessionKey);
            sid = sessionId;
            seq = 0;
            peerPublic = peerKey;
            offerNonce = null;
            pump(System.nanoTime());
        }

        void reset() {
            established = false;
            key = null;
            sid = null;
            offerNonce = null;
        }

        void clear() {
            stats.droppedWaiting.add(queue.size());
            queue.clear();
            queuedBytes = 0;
            grants.clear();
        }

        /** Seals and sends one item on the established session. */
        void write(Item item) {
            long n = ++seq;
            byte[] frame;
            try {
                if (item.kind == Item.GROUP_SEALED) {
                    frame = new byte[SEALED_HEADER + item.bytes.length + Crypto.TAG_BYTES];
                    header(frame, GROUP, n);
                    System.arraycopy(item.bytes, 0, frame, SEALED_HEADER, item.bytes.length);
                    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce(n)));
                    cipher.updateAAD(frame, 0, SEALED_HEADER + item.bytes.length);
                    cipher.doFinal(frame, SEALED_HEADER + item.bytes.length);
                } else {
                    frame = new byte[SEALED_HEADER + item.bytes.length + Crypto.TAG_BYTES];
                    header(frame, LINK, n);
                    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce(n)));
                    cipher.updateAAD(frame, 0, SEALED_HEADER);
                    cipher.doFinal(item.bytes, 0, item.bytes.length, frame, SEALED_HEADER);
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM failed", e);
            }
            innerSend(peer, frame);
        }

        private void header(byte[] frame, int type, long n) {
            frame[0] = (byte) MAGIC;
            frame[1] = (byte) VERSION;
            frame[2] = (byte) type;
            System.arraycopy(sid, 0, frame, HEADER, SID_BYTES);
            for (int i = 0; i < 8; i++) {
                frame[HEADER + SID_BYTES + i] = (byte) (n >>> (56 - 8 * i));
            }
        }
    }

    private byte[] withMac(Bin.Writer w) {
        byte[] mac = keys.mac(w.array(), 0, w.position());
        return w.bytes(mac).toBytes();
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
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
            askForKeys();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "security housekeeping failed", e);
        }
    }

    // ================================================================== view keys

    /** A Commit going out or coming in: learn the new view's members; its leader makes the key. */
    private void observeCommit(Commit commit, Collection<String> recipients) {
        Decision d = commit.decision();
        if (d == null || d.members().isEmpty()) {
            return;
        }
        String group = commit.group();
        long viewId = d.newViewId();
        Set<String> members = new HashSet<>();
        for (MemberId m : d.members()) {
            members.add(m.address());
        }
        groupKeys.members(group, viewId, members);
        boolean generated = false;
        if (d.members().get(0).address().equals(localAddress) && !groupKeys.hasKey(group, viewId)) {
            byte[] key = randomBytes(Crypto.KEY_BYTES);
            generated = groupKeys.putKey(group, viewId, key);
            Crypto.wipe(key);
            if (generated) {
                stats.viewKeysCreated.increment();
                keyArrived();
            }
        }
        if (!groupKeys.hasKey(group, viewId)) {
            return;
        }
        Set<String> to = new HashSet<>();
        if (generated) {
            to.addAll(members);
        }
        if (recipients != null) {
            for (String r : recipients) {
                if (members.contains(r)) {
                    to.add(r);
                }
            }
        }
        to.remove(localAddress);
        for (String address : to) {
            grant(address, group, viewId);
        }
    }

    /** Queues the view key for {@code to}; it goes out before anything sent after this call. */
    private void grant(String to, String group, long viewId) {
        TxSession s = session(to);
        synchronized (s) {
            s.grants.add(new Object[] {group, viewId});
            s.pump(System.nanoTime());
        }
    }

    private void sendGrant(TxSession s, String group, long viewId) {
        byte[] key = groupKeys.key(group, viewId);
        if (key == null) {
            return;
        }
        try {
            byte[] wrapNonce = randomBytes(Crypto.NONCE_BYTES);
            Cipher c = Crypto.threadGcm();
            c.init(Cipher.ENCRYPT_MODE, Crypto.aesKey(keys.wrapKey(localAddress, s.peer, s.peerPublic)),
                    new GCMParameterSpec(128, wrapNonce));
            c.updateAAD(grantAad(group, viewId, localAddress, s.peer));
            byte[] wrapped = c.doFinal(key);
            Bin.Writer w = new Bin.Writer(128).u8(K_KEY_GRANT).string(group).i64(viewId).bytes(wrapNonce)
                    .bytes(wrapped);
            s.write(Item.link(w.toBytes()));
        } catch (GeneralSecurityException e) {
            LOG.log(Level.WARNING, "cannot wrap a view key for " + s.peer + ": " + e.getClass().getSimpleName());
        } finally {
            Crypto.wipe(key);
        }
    }

    private static byte[] grantAad(String group, long viewId, String from, String to) {
        return new Bin.Writer(128).bytes("vsync key grant".getBytes(StandardCharsets.UTF_8)).string(group)
                .i64(viewId).string(from).string(to).toBytes();
    }

    /** A wanted view key: who to ask, since when, when last asked. */
    private static final class Want {
        final String group;
        final long viewId;
        final String peer;
        final long since;
        long lastAsked = Long.MIN_VALUE / 2;

        Want(String group, long viewId, String peer, long since) {
            this.group = group;
            this.viewId = viewId;
            this.peer = peer;
            this.since = since;
        }
    }

    /**
     * Notes that the key of a view is wanted, to be asked of {@code peer} and of the view's
     * members when known. Only notes it: the requests go out from {@link #askForKeys()}, which
     * runs holding no session lock (a session lock must never be taken while holding another).
     */
    private void requestKey(String group, long viewId, String peer) {
        wanted.putIfAbsent(group + '/' + viewId + '/' + peer, new Want(group, viewId, peer, System.nanoTime()));
    }

    /** Sends the key requests that are due, at most one per wanted key per 100 ms. Hold no session lock. */
    private void askForKeys() {
        if (wanted.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        for (Map.Entry<String, Want> e : wanted.entrySet()) {
            Want w = e.getValue();
            if (groupKeys.hasKey(w.group, w.viewId) || now - w.since > WAIT_LIMIT_NANOS) {
                wanted.remove(e.getKey(), w);
                continue;
            }
            if (now - w.lastAsked < KEY_REQUEST_INTERVAL_NANOS) {
                continue;
            }
            w.lastAsked = now;
            Set<String> targets = new HashSet<>();
            targets.add(w.peer);
            Set<String> members = groupKeys.members(w.group, w.viewId);
            if (members != null) {
                targets.addAll(members);
            }
            targets.remove(localAddress);
            byte[] plain = new Bin.Writer(64).u8(K_KEY_REQUEST).string(w.group).i64(w.viewId).toBytes();
            for (String target : targets) {
                TxSession s = session(target);
                synchronized (s) {
                    if (s.established) {
                        s.write(Item.link(plain));
                    }
                }
            }
        }
    }

    /** A view key became known: what waits for it can go. */
    private void keyArrived() {
        rxDrainNeeded = true;
        long now = System.nanoTime();
        for (TxSession s : tx.values()) {
            synchronized (s) {
                if (s.established && !s.queue.isEmpty()) {
                    s.pump(now);
                }
            }
        }
    }

    // ================================================================== receiving

    /** Receiving state of one peer: its current session, a newer one not yet used, what waits for a key. */
    private static final class RxPeer {
        RxSession established;
        RxSession pending;
        final ArrayDeque<InItem> waiting = new ArrayDeque<>();
        long waitingBytes;
        long offerWindowStart;
        int offersInWindow;
        long lastResetSent = Long.MIN_VALUE / 2;
    }

    private static final class RxSession {
        final long sid;
        final SecretKeySpec key;
        final byte[] peerPublic;
        final Cipher cipher = Crypto.newGcm();
        long lastSeq;

        RxSession(long sid, byte[] key, byte[] peerPublic) {
            this.sid = sid;
            this.key = Crypto.aesKey(key);
            this.peerPublic = peerPublic;
        }
    }

    /** A received message kept back to keep its sender's order: ready, or sealed under a key not yet here. */
    private record InItem(ProtocolMessage ready, String group, long viewId, long counter, byte[] ciphertext,
                          byte[] senderPublic, long deadline) {
        int size() {
            return ciphertext == null ? 64 : ciphertext.length;
        }
    }

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
                askForKeys();
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
            case OFFER -> onOffer(from, p, r, now);
            case ACCEPT -> onAccept(from, p, r);
            case REJECT -> onReject(from, p, r, now);
            case RESET -> onReset(from, p, r);
            case LINK, GROUP -> onSealed(from, type, p, r, now);
            default -> throw new Bin.BadEnvelope("unknown envelope type " + type);
        }
    }

    private RxPeer rxPeer(String from) {
        return rx.computeIfAbsent(from, a -> new RxPeer());
    }

    private void onOffer(String from, byte[] p, Bin.Reader r, long now) throws Bin.BadEnvelope {
        String claimed = r.string("offerer");
        String to = r.string("addressee");
        byte[] peerPublic = r.bytes(Crypto.PUBLIC_KEY_BYTES, "public key");
        byte[] offerNonce = r.bytes(NONCE_BYTES, "nonce");
        int macAt = r.position();
        r.skip(Crypto.MAC_BYTES, "mac");
        r.expectEnd();
        if (!keys.macOk(p, macAt)) {
            stats.handshakesRefused.increment();
            log.log(Level.WARNING, "refused", from, "refused a handshake from {0}: it is not authenticated with "
                    + "this cluster's secret (that peer has a different vsync cluster secret)", from);
            sendReject(from, offerNonce, REASON_AUTH);
            return;
        }
        if (!claimed.equals(from) || !to.equals(localAddress)) {
            stats.handshakesRefused.increment();
            log.log(Level.WARNING, "misaddressed", from, "refused a handshake that arrived from {0} but names {1} "
                    + "as sender and {2} as addressee (this engine is {3}): replayed or misconfigured address",
                    from, claimed, to, localAddress);
            sendReject(from, offerNonce, REASON_ADDRESS);
            return;
        }
        RxPeer peer = rxPeer(from);
        if (now - peer.offerWindowStart > TimeUnit.SECONDS.toNanos(1)) {
            peer.offerWindowStart = now;
            peer.offersInWindow = 0;
        }
        if (++peer.offersInWindow > MAX_OFFERS_PER_SECOND) {
            log.log(Level.WARNING, "offer-flood", from, "ignoring handshakes from {0}: more than {1} a second",
                    from, MAX_OFFERS_PER_SECOND);
            return;
        }
        byte[] acceptNonce = randomBytes(NONCE_BYTES);
        byte[] sessionKey;
        try {
            sessionKey = keys.linkKey(keys.prk(peerPublic), from, localAddress, peerPublic, ownPublic, offerNonce,
                    acceptNonce);
        } catch (GeneralSecurityException e) {
            stats.handshakesRefused.increment();
            log.log(Level.WARNING, "bad-key", from, "refused a handshake from {0}: unusable public key", from);
            return;
        }
        peer.pending = new RxSession(sidOf(acceptNonce), sessionKey, peerPublic);
        Crypto.wipe(sessionKey);
        Bin.Writer w = new Bin.Writer(160).u8(MAGIC).u8(VERSION).u8(ACCEPT).string(localAddress).string(from)
                .bytes(ownPublic).bytes(offerNonce).bytes(acceptNonce);
        innerSend(from, withMac(w));
    }

    private static long sidOf(byte[] acceptNonce) {
        long v = 0;
        for (int i = 0; i < SID_BYTES; i++) {
            v = (v << 8) | (acceptNonce[i] & 0xFF);
        }
        return v;
    }

    private void sendReject(String to, byte[] offerNonce, int reason) {
        RxPeer peer = rxPeer(to);
        long now = System.nanoTime();
        if (now - peer.lastResetSent < RESET_INTERVAL_NANOS) {
            return;
        }
        peer.lastResetSent = now;
        Bin.Writer w = new Bin.Writer(96).u8(MAGIC).u8(VERSION).u8(REJECT).string(localAddress).string(to)
                .bytes(offerNonce).u8(reason);
        innerSend(to, withMac(w));
    }

    private void onAccept(String from, byte[] p, Bin.Reader r) throws Bin.BadEnvelope {
        String claimed = r.string("accepter");
        String to = r.string("addressee");
        byte[] peerPublic = r.bytes(Crypto.PUBLIC_KEY_BYTES, "public key");
        byte[] offerNonce = r.bytes(NONCE_BYTES, "offer nonce");
        byte[] acceptNonce = r.bytes(NONCE_BYTES, "accept nonce");
        int macAt = r.position();
        r.skip(Crypto.MAC_BYTES, "mac");
        r.expectEnd();
        if (!keys.macOk(p, macAt)) {
            stats.unauthenticated.increment();
            log.log(Level.WARNING, "bad-accept", from, "dropped a handshake answer from {0}: not authenticated "
                    + "with this cluster's secret", from);
            return;
        }
        TxSession s = tx.get(from);
        if (s == null || !claimed.equals(from) || !to.equals(localAddress)) {
            stats.unauthenticated.increment();
            return;
        }
        synchronized (s) {
            if (s.established || s.offerNonce == null || !Arrays.equals(s.offerNonce, offerNonce)) {
                return; // an answer to an offer we no longer wait for (we offered again meanwhile)
            }
            byte[] sessionKey;
            try {
                sessionKey = keys.linkKey(keys.prk(peerPublic), localAddress, from, ownPublic, peerPublic, offerNonce,
                        acceptNonce);
            } catch (GeneralSecurityException e) {
                stats.unauthenticated.increment();
                return;
            }
            stats.handshakesCompleted.increment();
            s.establish(sessionKey, Arrays.copyOf(acceptNonce, SID_BYTES), peerPublic);
        }
    }

    private void onReject(String from, byte[] p, Bin.Reader r, long now) throws Bin.BadEnvelope {
        r.string("rejecter");
        r.string("addressee");
        byte[] offerNonce = r.bytes(NONCE_BYTES, "offer nonce");
        int reason = r.u8();
        int macAt = r.position();
        r.skip(Crypto.MAC_BYTES, "mac");
        r.expectEnd();
        TxSession s = tx.get(from);
        if (s == null) {
            return;
        }
        synchronized (s) {
            if (s.established || s.offerNonce == null || !Arrays.equals(s.offerNonce, offerNonce)) {
                return; // not about our current offer: stale, or forged by someone who saw none
            }
            stats.refusedByPeers.increment();
            s.offerNonce = null;
            s.refusedUntil = now + REFUSED_RETRY_NANOS;
            s.clear();
            if (keys.macOk(p, macAt)) {
                log.log(Level.ERROR, "refused-by", from, "peer {0} refused our handshake: {1}", from,
                        reason == REASON_ADDRESS ? "it is not the engine at that address, or it knows this engine "
                                + "under another address (check the advertised addresses)" : "reason " + reason);
            } else {
                log.log(Level.ERROR, "refused-by", from, "peer {0} refused our handshake: it does not share this "
                        + "cluster's secret (its refusal is not authenticated with ours either); check that "
                        + "vsync.security.cluster-secret is the same on both", from);
            }
        }
    }

    private void onReset(String from, byte[] p, Bin.Reader r) throws Bin.BadEnvelope {
        String claimed = r.string("sender");
        String to = r.string("addressee");
        byte[] sid = r.bytes(SID_BYTES, "session id");
        int macAt = r.position();
        r.skip(Crypto.MAC_BYTES, "mac");
        r.expectEnd();
        if (!keys.macOk(p, macAt) || !claimed.equals(from) || !to.equals(localAddress)) {
            stats.unauthenticated.increment();
            return;
        }
        TxSession s = tx.get(from);
        if (s == null) {
            return;
        }
        synchronized (s) {
            if (s.established && Arrays.equals(s.sid, sid)) {
                LOG.log(Level.DEBUG, "peer {0} no longer knows our session (it restarted?): new handshake", from);
                s.reset();
                s.offer(System.nanoTime());
            }
        }
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
            sendReset(from, p, now);
            return;
        }
        byte[] plain;
        try {
            session.cipher.init(Cipher.DECRYPT_MODE, session.key, new GCMParameterSpec(128, nonce(seq)));
            if (type == LINK) {
                session.cipher.updateAAD(p, 0, SEALED_HEADER);
                plain = session.cipher.doFinal(p, SEALED_HEADER, p.length - SEALED_HEADER);
            } else {
                session.cipher.updateAAD(p, 0, p.length - Crypto.TAG_BYTES);
                session.cipher.doFinal(p, p.length - Crypto.TAG_BYTES, Crypto.TAG_BYTES);
                plain = null;
            }
        } catch (AEADBadTagException e) {
            stats.unauthenticated.increment();
            log.log(Level.WARNING, "bad-tag", from, "dropped a frame from {0} that failed authentication "
                    + "(forged or corrupted)", from);
            return;
        } catch (GeneralSecurityException e) {
            stats.malformed.increment();
            return;
        }
        if (seq <= session.lastSeq) {
            stats.replayed.increment();
            log.log(Level.WARNING, "replay", from, "dropped a replayed frame from {0} (sequence number {1} after {2})",
                    from, seq, session.lastSeq);
            return;
        }
        session.lastSeq = seq;
        if (session == peer.pending) {
            peer.established = session;
            peer.pending = null;
        }
        if (type == LINK) {
            onLinkPlain(from, peer, session, plain, now);
        } else {
            onGroupFrame(from, peer, session, p, r, now);
        }
    }

    private void sendReset(String to, byte[] p, long now) {
        RxPeer peer = rxPeer(to);
        if (now - peer.lastResetSent < RESET_INTERVAL_NANOS) {
            return;
        }
        peer.lastResetSent = now;
        Bin.Writer w = new Bin.Writer(96).u8(MAGIC).u8(VERSION).u8(RESET).string(localAddress).string(to)
                .bytes(p, HEADER, SID_BYTES);
        innerSend(to, withMac(w));
    }

    private void onLinkPlain(String from, RxPeer peer, RxSession session, byte[] plain, long now)
            throws Bin.BadEnvelope {
        if (plain.length == 0) {
            throw new Bin.BadEnvelope("empty link frame");
        }
        switch (plain[0]) {
            case K_MESSAGE -> {
                ProtocolMessage m;
                try {
                    m = codec.decodeBody(ByteBuffer.wrap(plain, 1, plain.length - 1));
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
                    observeCommit(commit, null);
                    if (rxDrainNeeded) {
                        rxDrainNeeded = false;
                        drainAll(now);
                    }
                }
                deliverInOrder(from, peer, new InItem(m, null, 0, 0, null, null, now + WAIT_LIMIT_NANOS));
            }
            case K_KEY_GRANT -> onGrant(from, session, plain, now);
            case K_KEY_REQUEST -> onKeyRequest(from, plain);
            default -> throw new Bin.BadEnvelope("unknown link kind " + plain[0]);
        }
    }

    private void onGrant(String from, RxSession session, byte[] plain, long now) throws Bin.BadEnvelope {
        Bin.Reader r = new Bin.Reader(plain, 1, plain.length);
        String group = r.string("group");
        long viewId = r.i64();
        byte[] wrapNonce = r.bytes(Crypto.NONCE_BYTES, "wrap nonce");
        byte[] wrapped = r.bytes(Crypto.KEY_BYTES + Crypto.TAG_BYTES, "wrapped key");
        r.expectEnd();
        byte[] key;
        try {
            Cipher c = Crypto.threadGcm();
            c.init(Cipher.DECRYPT_MODE, Crypto.aesKey(keys.wrapKey(localAddress, from, session.peerPublic)),
                    new GCMParameterSpec(128, wrapNonce));
            c.updateAAD(grantAad(group, viewId, from, localAddress));
            key = c.doFinal(wrapped);
        } catch (GeneralSecurityException e) {
            stats.undecryptable.increment();
            log.log(Level.WARNING, "bad-grant", from, "dropped a view key from {0} that does not unwrap", from);
            return;
        }
        boolean stored = groupKeys.putKey(group, viewId, key);
        Crypto.wipe(key);
        if (stored) {
            stats.viewKeysReceived.increment();
            keyArrived();
            rxDrainNeeded = false;
            drainAll(now);
        }
    }

    private void onKeyRequest(String from, byte[] plain) throws Bin.BadEnvelope {
        Bin.Reader r = new Bin.Reader(plain, 1, plain.length);
        String group = r.string("group");
        long viewId = r.i64();
        r.expectEnd();
        if (!groupKeys.hasKey(group, viewId)) {
            return; // we cannot help
        }
        Set<String> members = groupKeys.members(group, viewId);
        if (members == null || !members.contains(from)) {
            stats.keyRequestsRefused.increment();
            log.log(Level.WARNING, "key-refused", from, "refused the key of view {0} of group {1} to {2}: it is not "
                    + "a member of that view", viewId, group, from);
            return;
        }
        grant(from, group, viewId);
    }

    private void onGroupFrame(String from, RxPeer peer, RxSession session, byte[] p, Bin.Reader r, long now)
            throws Bin.BadEnvelope {
        String group = r.string("group");
        long viewId = r.i64();
        long counter = r.i64();
        int ctLength = r.remaining() - Crypto.TAG_BYTES;
        if (ctLength < Crypto.TAG_BYTES + FrameCodec.BODY_HEADER_BYTES) {
            throw new Bin.BadEnvelope("group ciphertext too short");
        }
        byte[] ciphertext = r.bytes(ctLength, "group ciphertext");
        deliverInOrder(from, peer, new InItem(null, group, viewId, counter, ciphertext, session.peerPublic,
                now + WAIT_LIMIT_NANOS));
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
        if (item.ready == null) {
            requestKey(item.group, item.viewId, from);
        }
    }

    /**
     * Opens and hands {@code item} to the engine.
     *
     * @return false when it must wait for its view key (and {@code force} is false)
     */
    private boolean deliver(String from, InItem item, boolean force) {
        if (item.ready != null) {
            listener.onMessage(from, item.ready);
            return true;
        }
        SecretKeySpec key = groupKeys.senderKey(item.group, item.viewId, from, item.senderPublic);
        if (key == null) {
            if (force) {
                stats.droppedWaiting.increment();
                log.log(Level.INFO, "no-key", from, "dropped traffic of view {0} of group {1} from {2}: its key never "
                        + "arrived", item.viewId, item.group, from);
                return true;
            }
            requestKey(item.group, item.viewId, from);
            return false;
        }
        byte[] body;
        try {
            Cipher c = Crypto.threadGcm();
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce(item.counter)));
            c.updateAAD(groupAad(item.group, item.viewId));
            body = c.doFinal(item.ciphertext);
        } catch (GeneralSecurityException e) {
            stats.undecryptable.increment();
            log.log(Level.WARNING, "bad-group-tag", from, "dropped traffic of view {0} of group {1} from {2}: it does "
                    + "not open with that view's key", item.viewId, item.group, from);
            return true;
        }
        ProtocolMessage m;
        try {
            m = codec.decodeBody(ByteBuffer.wrap(body));
        } catch (MalformedFrameException e) {
            stats.malformed.increment();
            return true;
        }
        if (!(m instanceof Data || m instanceof OrderToken) || !((GroupMessage) m).group().equals(item.group)
                || viewIdOf((GroupMessage) m) != item.viewId) {
            stats.undecryptable.increment();
            log.log(Level.WARNING, "mislabelled", from, "dropped group traffic from {0} whose sealed content does "
                    + "not match its label", from);
            return true;
        }
        listener.onMessage(from, m);
        return true;
    }

    private void drain(String from, RxPeer peer, long now) {
        while (!peer.waiting.isEmpty()) {
            InItem head = peer.waiting.peek();
            boolean expired = now - head.deadline > 0;
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
            if (!peer.waiting.isEmpty() && now - peer.waiting.peek().deadline > 0) {
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
     * What a captured GROUP envelope from {@code sender} opens to with the view keys this process
     * holds, or null: what an eavesdropper that knows the view keys it was given could read.
     */
    ProtocolMessage tryReadCaptured(String sender, byte[] senderPublic, byte[] envelope) {
        try {
            Bin.Reader r = new Bin.Reader(envelope);
            if (r.u8() != MAGIC || r.u8() != VERSION || r.u8() != GROUP) {
                return null;
            }
            r.i64();
            r.i64();
            String group = r.string("group");
            long viewId = r.i64();
            long counter = r.i64();
            byte[] ct = r.bytes(r.remaining() - Crypto.TAG_BYTES, "ct");
            SecretKeySpec key = groupKeys.senderKey(group, viewId, sender, senderPublic);
            if (key == null) {
                return null;
            }
            Cipher c = Crypto.threadGcm();
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce(counter)));
            c.updateAAD(groupAad(group, viewId));
            return codec.decodeBody(ByteBuffer.wrap(c.doFinal(ct)));
        } catch (Bin.BadEnvelope | GeneralSecurityException | MalformedFrameException | RuntimeException e) {
            return null;
        }
    }

    /** Sends {@code plain} (kind byte first) on the session to {@code to}, sealed: the fuzz tests' way past the tag. */
    void sendLinkPlainForTest(String to, byte[] plain) {
        TxSession s = session(to);
        synchronized (s) {
            s.submit(Item.link(plain.clone()));
        }
    }

    /** Sends {@code body} sealed under the view key and the session: lets the fuzz tests reach the group opener. */
    void sendGroupBodyForTest(String to, String group, long viewId, byte[] body) {
        byte[] part = sealGroup(group, viewId, body);
        if (part == null) {
            throw new IllegalStateException("no key for view " + viewId);
        }
        TxSession s = session(to);
        synchronized (s) {
            s.submit(Item.groupSealed(part));
        }
    }

    /** Asks {@code peer} for the key of a view now, as a member missing it would: what a former member can try. */
    void askForViewKey(String group, long viewId, String peer) {
        requestKey(group, viewId, peer);
        askForKeys();
    }

    /** This process's X25519 public key (public by nature: it travels in every handshake). */
    byte[] publicKey() {
        return ownPublic.clone();
    }

    Transport inner() {
        return inner;
    }

    // ================================================================== counters

    private static final class Stats {
        final LongAdder handshakesCompleted = new LongAdder();
        final LongAdder handshakesRefused = new LongAdder();
        final LongAdder refusedByPeers = new LongAdder();
        final LongAdder unauthenticated = new LongAdder();
        final LongAdder replayed = new LongAdder();
        final LongAdder undecryptable = new LongAdder();
        final LongAdder malformed = new LongAdder();
        final LongAdder droppedWaiting = new LongAdder();
        final LongAdder viewKeysCreated = new LongAdder();
        final LongAdder viewKeysReceived = new LongAdder();
        final LongAdder keyRequestsRefused = new LongAdder();

        SecurityStats snapshot() {
            return new SecurityStats(handshakesCompleted.sum(), handshakesRefused.sum(), refusedByPeers.sum(),
                    unauthenticated.sum(), replayed.sum(), undecryptable.sum(), malformed.sum(), droppedWaiting.sum(),
                    viewKeysCreated.sum(), viewKeysReceived.sum(), keyRequestsRefused.sum());
        }
    }
}
