package io.vsync.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The keys of one process: those derived from the cluster secret, and its fresh X25519 key
 * pair (made at start, never stored, so that a later compromise of the cluster secret does
 * not open recorded sessions).
 */
final class ClusterKeys {
    private static final byte[] CLUSTER_SALT = "vsync cluster v1".getBytes(StandardCharsets.UTF_8);
    private static final int DH_CACHE = 1024;

    /** HMAC key of handshake messages. */
    private final byte[] handshakeKey;
    /** HKDF salt of every key derived from a Diffie-Hellman result: binds it to the cluster secret. */
    private final byte[] sessionSalt;
    private final KeyPair process;
    private final byte[] publicRaw;
    private final Map<String, byte[]> prkByPeerKey = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > DH_CACHE;
        }
    };

    ClusterKeys(SecurityConfig config) {
        byte[] secret = config.secret();
        byte[] prk = Crypto.extract(CLUSTER_SALT, secret);
        Crypto.wipe(secret);
        this.handshakeKey = Crypto.expand(prk, "vsync handshake mac", Crypto.KEY_BYTES);
        this.sessionSalt = Crypto.expand(prk, "vsync session salt", Crypto.KEY_BYTES);
        Crypto.wipe(prk);
        this.process = Crypto.newX25519();
        this.publicRaw = Crypto.rawPublic(process.getPublic());
    }

    byte[] publicKey() {
        return publicRaw.clone();
    }

    byte[] mac(byte[] data, int offset, int length) {
        return Crypto.hmac(handshakeKey, data, offset, length);
    }

    /** Whether {@code data[macAt..macAt+32)} is the handshake MAC of {@code data[0..macAt)}. */
    boolean macOk(byte[] data, int macAt) {
        if (macAt < 0 || macAt + Crypto.MAC_BYTES != data.length) {
            return false;
        }
        return Crypto.equalsAt(mac(data, 0, macAt), data, macAt);
    }

    /** HKDF-Extract of the X25519 result with a peer's key, salted with the cluster secret's derivative. */
    byte[] prk(byte[] peerPublic) throws GeneralSecurityException {
        String id = HexFormat.of().formatHex(peerPublic);
        synchronized (prkByPeerKey) {
            byte[] cached = prkByPeerKey.get(id);
            if (cached != null) {
                return cached;
            }
        }
        byte[] shared = Crypto.dh(process.getPrivate(), peerPublic);
        byte[] prk = Crypto.extract(sessionSalt, shared);
        Crypto.wipe(shared);
        synchronized (prkByPeerKey) {
            prkByPeerKey.put(id, prk);
        }
        return prk;
    }

    /** The key of one session, one direction: offerer to accepter, both nonces bound in. */
    byte[] linkKey(byte[] prk, String from, String to, byte[] fromPublic, byte[] toPublic, byte[] offerNonce,
                   byte[] acceptNonce) {
        Bin.Writer info = new Bin.Writer(256).bytes("vsync link v1".getBytes(StandardCharsets.UTF_8))
                .string(from).string(to).bytes(fromPublic).bytes(toPublic).bytes(offerNonce).bytes(acceptNonce);
        return Crypto.expand(prk, info.toBytes(), Crypto.KEY_BYTES);
    }

    /** The pairwise key that wraps view keys between this process and {@code peer}; symmetric. */
    byte[] wrapKey(String self, String peer, byte[] peerPublic) throws GeneralSecurityException {
        byte[] prk = prk(peerPublic);
        boolean selfFirst = self.compareTo(peer) < 0
                || (self.equals(peer) && Arrays.compare(publicRaw, peerPublic) <= 0);
        Bin.Writer info = new Bin.Writer(256).bytes("vsync key wrap v1".getBytes(StandardCharsets.UTF_8));
        if (selfFirst) {
            info.string(self).string(peer).bytes(publicRaw).bytes(peerPublic);
        } else {
            info.string(peer).string(self).bytes(peerPublic).bytes(publicRaw);
        }
        return Crypto.expand(prk, info.toBytes(), Crypto.KEY_BYTES);
    }
}
