package io.vsync.security;

import io.vsync.transport.RateLimitedLog;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One sending direction to one peer: its handshake state, its session, and what waits for
 * them, in order. Every method runs holding this object's lock (the caller takes it), except
 * {@link #notePeerHolds}, which the receive path calls.
 */
final class TxSession {
    static final long OFFER_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    static final long WAIT_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(3);
    static final int MAX_WAITING_FRAMES = 4096;
    static final long MAX_WAITING_BYTES = 16L << 20;
    private static final int MAX_HELD_VIEWS = 64;

    private final SecureTransport owner;
    private final SecurityCounters stats;
    private final RateLimitedLog log;
    private final SecureRandom random;
    final String peer;
    byte[] offerNonce;
    long offeredAt;
    long refusedUntil;
    boolean established;
    byte[] sid;
    long seq;
    SessionCipher cipher;
    byte[] peerPublic;
    private final ArrayDeque<Item> queue = new ArrayDeque<>();
    private long queuedBytes;
    /** View-key grants (group, view) to send first once the session is up. */
    final ArrayDeque<SessionCipher.GroupView> grants = new ArrayDeque<>();
    /**
     * Views whose key the peer is known to hold on this session (it sent us traffic sealed with
     * it, or we granted it on this session before): those frames go with one tag only.
     */
    private final Set<SessionCipher.GroupView> peerHolds = ConcurrentHashMap.newKeySet();
    /** The last view added to {@link #peerHolds}: steady traffic checks and notes it without allocating. */
    private volatile SessionCipher.GroupView lastHeld;

    /** Something to send on this session, in order: a link plaintext, or a group body not yet sealed. */
    private record Item(int linkKind, byte[] bytes, String group, byte[] groupUtf8, long viewId, long deadline) {
        boolean isGroup() {
            return group != null;
        }
    }

    TxSession(SecureTransport owner, SecurityCounters stats, RateLimitedLog log, SecureRandom random, String peer) {
        this.owner = owner;
        this.stats = stats;
        this.log = log;
        this.random = random;
        this.peer = peer;
    }

    boolean hasQueue() {
        return !queue.isEmpty();
    }

    /**
     * Sends a link message: {@code linkKind} (or -1 when {@code bytes} already starts with one)
     * and {@code bytes[off..off+len)}, which is copied only when it has to wait.
     */
    void submitLink(int linkKind, byte[] bytes, int off, int len) {
        if (established && queue.isEmpty()) {
            writeLink(linkKind, bytes, off, len);
            return;
        }
        enqueue(new Item(linkKind, Arrays.copyOfRange(bytes, off, off + len), null, null, 0, deadline()));
    }

    /** Sends group traffic of a view, sealed under that view's key and this session. */
    void submitGroup(String group, byte[] groupUtf8, long viewId, byte[] body, int off, int len) {
        if (established && queue.isEmpty() && cipher.hasGroupKey(group, viewId)) {
            writeGroup(group, groupUtf8, viewId, body, off, len);
            return;
        }
        enqueue(new Item(-1, Arrays.copyOfRange(body, off, off + len), group, groupUtf8, viewId, deadline()));
        owner.views().requestKey(group, viewId, peer); // noted only; nothing when the key is here
    }

    private static long deadline() {
        return System.nanoTime() + WAIT_LIMIT_NANOS;
    }

    private void enqueue(Item item) {
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
            SessionCipher.GroupView g = grants.poll();
            owner.views().sendGrant(this, g.group(), g.viewId());
        }
        while (!queue.isEmpty()) {
            Item head = queue.peek();
            if (head.isGroup()) {
                if (!cipher.hasGroupKey(head.group, head.viewId)) {
                    if (now - head.deadline > 0) {
                        drop("no key for view " + head.viewId + " of group " + head.group);
                        continue;
                    }
                    owner.views().requestKey(head.group, head.viewId, peer);
                    return;
                }
                remove();
                writeGroup(head.group, head.groupUtf8, head.viewId, head.bytes, 0, head.bytes.length);
            } else {
                remove();
                writeLink(head.linkKind, head.bytes, 0, head.bytes.length);
            }
        }
    }

    private void remove() {
        Item item = queue.poll();
        queuedBytes -= item.bytes.length;
    }

    private void drop(String why) {
        remove();
        stats.droppedWaiting.increment();
        log.log(Level.DEBUG, "wait-drop", peer, "dropped a frame for {0}: {1}", peer, why);
    }

    void expire(long now) {
        while (!queue.isEmpty() && now - queue.peek().deadline > 0) {
            drop(established ? "waited too long for a view key"
                    : "no handshake with it within " + TimeUnit.NANOSECONDS.toMillis(WAIT_LIMIT_NANOS) + " ms");
        }
    }

    void offer(long now) {
        offerNonce = new byte[Wire.NONCE_BYTES];
        random.nextBytes(offerNonce);
        offeredAt = now;
        owner.innerSend(peer, owner.handshake().offerEnvelope(peer, offerNonce));
    }

    void establish(SessionCipher sessionCipher, byte[] sessionId, byte[] peerKey) {
        established = true;
        cipher = sessionCipher;
        sid = sessionId;
        seq = 0;
        peerPublic = peerKey;
        offerNonce = null;
        peerHolds.clear();
        lastHeld = null;
        pump(System.nanoTime());
    }

    void reset() {
        established = false;
        cipher = null;
        sid = null;
        offerNonce = null;
        peerHolds.clear();
        lastHeld = null;
    }

    void clear() {
        stats.droppedWaiting.add(queue.size());
        queue.clear();
        queuedBytes = 0;
        grants.clear();
    }

    /** The peer proved (or was given, on this session) the key of the view. Any thread. */
    void notePeerHolds(String group, long viewId) {
        SessionCipher.GroupView last = lastHeld;
        if (last != null && last.viewId() == viewId && last.group().equals(group)) {
            return;
        }
        if (peerHolds.size() >= MAX_HELD_VIEWS) {
            peerHolds.clear();
        }
        SessionCipher.GroupView v = new SessionCipher.GroupView(group, viewId);
        peerHolds.add(v);
        lastHeld = v;
    }

    /** Whether the peer is known to hold the view's key on this session. Any thread. */
    private boolean peerHolds(String group, long viewId) {
        SessionCipher.GroupView last = lastHeld;
        if (last != null && last.viewId() == viewId && last.group().equals(group)) {
            return true;
        }
        return peerHolds.contains(new SessionCipher.GroupView(group, viewId));
    }

    /**
     * Whether a frame sealed once for every receiver ({@link Wire#GROUP_SHARED}) may go to this
     * peer now: the session is up (the peer can tie it to this process's public key), nothing
     * waits before it (sender order), and the peer holds the view key (else it could not
     * authenticate the frame, and would drop it).
     */
    boolean readyForShared(String group, long viewId) {
        return established && queue.isEmpty() && peerHolds(group, viewId);
    }

    /**
     * Seals and sends one link message: {@code kind ‖ bytes} under K_link (kind -1: the bytes
     * bring their own). One copy into the envelope, encrypted in place (link frames are the small ones).
     */
    void writeLink(int kind, byte[] bytes, int off, int len) {
        long n = ++seq;
        int plain = (kind >= 0 ? 1 : 0) + len;
        byte[] frame = new byte[Wire.SEALED_HEADER + plain + Crypto.TAG_BYTES];
        Wire.sealedHeader(frame, Wire.LINK, sid, n);
        int at = Wire.SEALED_HEADER;
        if (kind >= 0) {
            frame[at++] = (byte) kind;
        }
        System.arraycopy(bytes, off, frame, at, len);
        cipher.sealLink(n, frame, Wire.SEALED_HEADER, Wire.SEALED_HEADER, plain);
        owner.innerSend(peer, frame);
    }

    /**
     * Seals and sends group traffic: {@code header ‖ group ‖ view ‖ AES-GCM_{K_gv}(body)}, and a
     * GMAC under K_link over all of it while the peer may lack the view key (so it can
     * authenticate the frame before it has the key, and hold it back). The caller checked that
     * this process holds the view key.
     */
    void writeGroup(String group, byte[] groupUtf8, long viewId, byte[] body, int off, int len) {
        boolean direct = peerHolds(group, viewId);
        long n = ++seq;
        int labelEnd = Wire.SEALED_HEADER + 1 + groupUtf8.length + 8;
        int sealedEnd = labelEnd + len + Crypto.TAG_BYTES;
        byte[] frame = new byte[sealedEnd + (direct ? 0 : Crypto.TAG_BYTES)];
        Wire.sealedHeader(frame, direct ? Wire.GROUP_DIRECT : Wire.GROUP, sid, n);
        Wire.i64(frame, Wire.string(frame, Wire.SEALED_HEADER, groupUtf8), viewId);
        if (!cipher.sealGroup(group, viewId, n, frame, labelEnd, body, off, len)) {
            stats.droppedWaiting.increment(); // its view was forgotten a moment ago: too old to matter
            return;
        }
        if (!direct) {
            cipher.tagLink(n, frame, sealedEnd);
        }
        owner.innerSend(peer, frame);
    }
}
