package io.vsync.security;

import static io.vsync.security.Wire.ACCEPT;
import static io.vsync.security.Wire.HEADER;
import static io.vsync.security.Wire.MAGIC;
import static io.vsync.security.Wire.NONCE_BYTES;
import static io.vsync.security.Wire.OFFER;
import static io.vsync.security.Wire.REJECT;
import static io.vsync.security.Wire.RESET;
import static io.vsync.security.Wire.SID_BYTES;
import static io.vsync.security.Wire.VERSION;

import io.vsync.transport.RateLimitedLog;
import java.lang.System.Logger.Level;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The session handshake: OFFER, ACCEPT, REJECT and RESET, each HMAC'd under the key derived
 * from the cluster secret (docs/security.md, "Authentication and replay" and "Refusing a peer
 * with another secret"). Receiving handlers run under the receive lock; a sending session's
 * state is changed under that session's lock.
 */
final class Handshake {
    private static final System.Logger LOG = System.getLogger(SecureTransport.class.getName());
    private static final long REFUSED_RETRY_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long RESET_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int MAX_OFFERS_PER_SECOND = 20;
    private static final int REASON_AUTH = SecureTransport.REASON_AUTH;
    private static final int REASON_ADDRESS = SecureTransport.REASON_ADDRESS;

    private final SecureTransport owner;
    private final ClusterKeys keys;
    private final byte[] ownPublic;
    private final GroupKeys groupKeys;
    private final SecurityCounters stats;
    private final RateLimitedLog log;
    private final SecureRandom random;

    Handshake(SecureTransport owner, ClusterKeys keys, GroupKeys groupKeys, SecurityCounters stats, RateLimitedLog log,
              SecureRandom random) {
        this.owner = owner;
        this.keys = keys;
        this.ownPublic = keys.publicKey();
        this.groupKeys = groupKeys;
        this.stats = stats;
        this.log = log;
        this.random = random;
    }

    void onOffer(String from, byte[] p, Bin.Reader r, long now) throws Bin.BadEnvelope {
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
        if (!claimed.equals(from) || !to.equals(owner.localAddress())) {
            stats.handshakesRefused.increment();
            log.log(Level.WARNING, "misaddressed", from, "refused a handshake that arrived from {0} but names {1} "
                    + "as sender and {2} as addressee (this engine is {3}): replayed or misconfigured address",
                    from, claimed, to, owner.localAddress());
            sendReject(from, offerNonce, REASON_ADDRESS);
            return;
        }
        RxPeer peer = owner.rxPeer(from);
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
            sessionKey = keys.linkKey(keys.prk(peerPublic), from, owner.localAddress(), peerPublic, ownPublic, offerNonce,
                    acceptNonce);
        } catch (GeneralSecurityException e) {
            stats.handshakesRefused.increment();
            log.log(Level.WARNING, "bad-key", from, "refused a handshake from {0}: unusable public key", from);
            return;
        }
        peer.pending = new RxSession(sidOf(acceptNonce), new SessionCipher(sessionKey, groupKeys), peerPublic);
        Crypto.wipe(sessionKey);
        Bin.Writer w = new Bin.Writer(160).u8(MAGIC).u8(VERSION).u8(ACCEPT).string(owner.localAddress()).string(from)
                .bytes(ownPublic).bytes(offerNonce).bytes(acceptNonce);
        owner.innerSend(from, withMac(w));
    }

    private static long sidOf(byte[] acceptNonce) {
        long v = 0;
        for (int i = 0; i < SID_BYTES; i++) {
            v = (v << 8) | (acceptNonce[i] & 0xFF);
        }
        return v;
    }

    private void sendReject(String to, byte[] offerNonce, int reason) {
        RxPeer peer = owner.rxPeer(to);
        long now = System.nanoTime();
        if (now - peer.lastResetSent < RESET_INTERVAL_NANOS) {
            return;
        }
        peer.lastResetSent = now;
        Bin.Writer w = new Bin.Writer(96).u8(MAGIC).u8(VERSION).u8(REJECT).string(owner.localAddress()).string(to)
                .bytes(offerNonce).u8(reason);
        owner.innerSend(to, withMac(w));
    }

    void onAccept(String from, byte[] p, Bin.Reader r) throws Bin.BadEnvelope {
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
        TxSession s = owner.existingSession(from);
        if (s == null || !claimed.equals(from) || !to.equals(owner.localAddress())) {
            stats.unauthenticated.increment();
            return;
        }
        synchronized (s) {
            if (s.established || s.offerNonce == null || !Arrays.equals(s.offerNonce, offerNonce)) {
                return; // an answer to an offer we no longer wait for (we offered again meanwhile)
            }
            byte[] sessionKey;
            try {
                sessionKey = keys.linkKey(keys.prk(peerPublic), owner.localAddress(), from, ownPublic, peerPublic, offerNonce,
                        acceptNonce);
            } catch (GeneralSecurityException e) {
                stats.unauthenticated.increment();
                return;
            }
            stats.handshakesCompleted.increment();
            s.establish(new SessionCipher(sessionKey, groupKeys), Arrays.copyOf(acceptNonce, SID_BYTES), peerPublic);
            Crypto.wipe(sessionKey);
        }
    }

    void onReject(String from, byte[] p, Bin.Reader r, long now) throws Bin.BadEnvelope {
        r.string("rejecter");
        r.string("addressee");
        byte[] offerNonce = r.bytes(NONCE_BYTES, "offer nonce");
        int reason = r.u8();
        int macAt = r.position();
        r.skip(Crypto.MAC_BYTES, "mac");
        r.expectEnd();
        TxSession s = owner.existingSession(from);
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

    void onReset(String from, byte[] p, Bin.Reader r) throws Bin.BadEnvelope {
        String claimed = r.string("sender");
        String to = r.string("addressee");
        byte[] sid = r.bytes(SID_BYTES, "session id");
        int macAt = r.position();
        r.skip(Crypto.MAC_BYTES, "mac");
        r.expectEnd();
        if (!keys.macOk(p, macAt) || !claimed.equals(from) || !to.equals(owner.localAddress())) {
            stats.unauthenticated.increment();
            return;
        }
        TxSession s = owner.existingSession(from);
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

    void sendReset(String to, byte[] p, long now) {
        RxPeer peer = owner.rxPeer(to);
        if (now - peer.lastResetSent < RESET_INTERVAL_NANOS) {
            return;
        }
        peer.lastResetSent = now;
        Bin.Writer w = new Bin.Writer(96).u8(MAGIC).u8(VERSION).u8(RESET).string(owner.localAddress()).string(to)
                .bytes(p, HEADER, SID_BYTES);
        owner.innerSend(to, withMac(w));
    }

    /** An OFFER for a session to {@code peer}, MAC'd. */
    byte[] offerEnvelope(String peer, byte[] offerNonce) {
        Bin.Writer w = new Bin.Writer(128).u8(MAGIC).u8(VERSION).u8(OFFER).string(owner.localAddress()).string(peer)
                .bytes(ownPublic).bytes(offerNonce);
        return withMac(w);
    }

    byte[] withMac(Bin.Writer w) {
        byte[] mac = keys.mac(w.array(), 0, w.position());
        return w.bytes(mac).toBytes();
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
