package io.vsync.security;

import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * One sender's keys for the multicasts it seals once for all receivers ({@link Wire#GROUP_SHARED}):
 * per view, {@code K_sv = HKDF-Expand(HKDF-Extract(salt = view key, address ‖ X25519 public key),
 * "vsync sender v3" ‖ group ‖ view)}, with a counter. The sending process keeps one instance for
 * itself (the counter is the last number used); a receiver keeps one per peer process (the
 * counter is the highest number it accepted from that sender under that key).
 *
 * <p><b>Why nonces stay unique.</b> The GCM nonce is the counter, which the sender takes under
 * one lock, from 1, per view key. Each K_sv belongs to one view key (32 random bytes per view,
 * never reused: a forgotten view is never accepted again) and one sending process: its address
 * and its public key, which is fresh for every process start, so even a restarted process at the
 * same address that got hold of the same view key derives another K_sv. An entry, and with it
 * its counter, lives exactly as long as the process holds the view key, so a counter never starts
 * again under the same key. Two senders in a view never share a key, so they never share a nonce.
 *
 * <p>Not thread-safe: the sender's instance is used under its own lock, receivers' under the
 * receive lock.
 */
final class SenderKeys {
    private final GroupKeys groupKeys;
    private final byte[] senderId;
    private final Map<SessionCipher.GroupView, SenderKey> keys = new HashMap<>();
    private long generation;
    /** One-entry cache: multicast traffic is almost always one group and view. */
    private String lastGroup;
    private long lastView;
    private SenderKey last;

    /** The AES-GCM key of one sender in one view, and its counter. */
    static final class SenderKey {
        private final SecretKeySpec key;
        private final Cipher gcm = Crypto.newGcm();
        /** Sender: the last number used. Receiver: the highest number accepted. */
        long counter;

        private SenderKey(SecretKeySpec key) {
            this.key = key;
        }

        /**
         * Encrypts {@code body[off..off+len)} into {@code frame} at {@code at}, tag appended. The
         * header before {@code at} is not passed as AAD because nothing in it can change without
         * failing the tag anyway: the group and view are in K_sv's derivation, the counter is the
         * nonce, and magic, version and type are constants checked before (only GROUP_SHARED
         * frames meet a K_sv, whose label no other key uses). That spares the JDK's per-operation
         * AAD buffer and a GHASH pass.
         */
        void seal(long n, byte[] frame, int at, byte[] body, int off, int len) {
            try {
                gcm.init(Cipher.ENCRYPT_MODE, key, SessionCipher.nonce(n));
                gcm.doFinal(body, off, len, frame, at);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM failed", e);
            }
        }

        /** Opens {@code frame[at..at+lengthWithTag)} into {@code out} at {@code at}; the plaintext length. */
        int open(long n, byte[] frame, int at, int lengthWithTag, byte[] out) throws AEADBadTagException {
            try {
                gcm.init(Cipher.DECRYPT_MODE, key, SessionCipher.nonce(n));
                return gcm.doFinal(frame, at, lengthWithTag, out, at);
            } catch (AEADBadTagException e) {
                throw e;
            } catch (GeneralSecurityException e) {
                throw new AEADBadTagException("cannot open: " + e.getClass().getSimpleName());
            }
        }
    }

    /**
     * @param senderAddress the sending process's transport address
     * @param senderPublic  its X25519 public key (this process's own, or the one a peer's
     *                      established session was authenticated with)
     */
    SenderKeys(GroupKeys groupKeys, String senderAddress, byte[] senderPublic) {
        this.groupKeys = groupKeys;
        this.senderId = new Bin.Writer(64 + senderPublic.length).string(senderAddress).bytes(senderPublic).toBytes();
        this.generation = groupKeys.generation();
    }

    /** Whether these are the keys of the process with public key {@code senderPublic}. */
    boolean isFor(byte[] senderPublic) {
        int at = senderId.length - senderPublic.length;
        return at >= 0 && Crypto.equalsAt(senderPublic, senderId, at);
    }

    /** The sender's key of the view, or null when this process does not hold the view key. */
    SenderKey get(String group, long viewId) {
        long g = groupKeys.generation();
        if (g != generation) { // a view was forgotten: its K_sv must not outlive its view key
            generation = g;
            lastGroup = null;
            for (Iterator<Map.Entry<SessionCipher.GroupView, SenderKey>> it = keys.entrySet().iterator(); it.hasNext(); ) {
                SessionCipher.GroupView v = it.next().getKey();
                if (!groupKeys.hasKey(v.group(), v.viewId())) {
                    it.remove();
                }
            }
        }
        if (lastGroup != null && lastView == viewId && lastGroup.equals(group)) {
            return last;
        }
        SessionCipher.GroupView id = new SessionCipher.GroupView(group, viewId);
        SenderKey k = keys.get(id);
        if (k == null) {
            byte[] viewKey = groupKeys.key(group, viewId);
            if (viewKey == null) {
                return null;
            }
            // Only views whose key is held get an entry (at most GroupKeys.VIEWS_KEPT per group),
            // and it goes only when that key is forgotten: never a counter restarting under a key.
            k = new SenderKey(Crypto.viewSubkey(viewKey, senderId, Wire.SENDER_KEY_LABEL, group, viewId));
            keys.put(id, k);
        }
        lastGroup = group;
        lastView = viewId;
        last = k;
        return k;
    }
}
