package io.vsync.security;

import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-GCM keys of one session direction and the frames sealed under them: the link key
 * K_link, and per view the group key K_gv bound to both the view key and K_link:
 * {@code K_gv = HKDF-Expand(HKDF-Extract(salt = view key, K_link), "vsync group v2" ‖ group ‖ view)}.
 *
 * <p><b>Nonces never repeat under a key.</b> Every frame of a session takes the next sequence
 * number of that session (under the session's lock, starting at 1), and the 12-byte GCM nonce
 * is that number. K_link is fresh per handshake (HKDF over both parties' random nonces), and each
 * K_gv is derived from one K_link and one view, so every key belongs to exactly one session and
 * each number is used at most once per key: a LINK frame is one operation under K_link; a
 * GROUP frame one under K_gv and, in the two-tag form, a GMAC under K_link with the same
 * number (a different key).
 *
 * <p>Not thread-safe: a sending session is used under its own lock, a receiving one under the
 * receive lock. The {@link Cipher} objects are kept per key, so {@code init} finds the AES key
 * schedule already expanded; only the nonce changes between frames.
 */
final class SessionCipher {
    private static final int MAX_VIEW_KEYS = 16;

    private final byte[] linkKeyBytes;
    private final SecretKeySpec linkKey;
    private final Cipher link = Crypto.newGcm();
    private final GroupKeys groupKeys;
    private final Map<GroupView, Cipher> viewCiphers = new HashMap<>();
    private final Map<GroupView, SecretKeySpec> viewKeys = new HashMap<>();
    private long generation;
    /** One-entry cache of the last view used: ordered traffic is almost always one group and view. */
    private String lastGroup;
    private long lastView;
    private Cipher lastCipher;
    private SecretKeySpec lastKey;

    record GroupView(String group, long viewId) {
    }

    SessionCipher(byte[] linkKey, GroupKeys groupKeys) {
        this.linkKeyBytes = linkKey.clone();
        this.linkKey = Crypto.aesKey(linkKey);
        this.groupKeys = groupKeys;
        this.generation = groupKeys.generation();
    }

    /** The raw link key: test hooks only (what an attacker holding it could read). */
    byte[] linkKeyForTest() {
        return linkKeyBytes.clone();
    }

    static GCMParameterSpec nonce(long seq) {
        byte[] n = new byte[Crypto.NONCE_BYTES];
        for (int i = 0; i < 8; i++) {
            n[4 + i] = (byte) (seq >>> (56 - 8 * i));
        }
        return new GCMParameterSpec(Crypto.TAG_BYTES * 8, n);
    }

    /**
     * Encrypts {@code frame[from..from+length)} in place under K_link, tag appended, with
     * {@code frame[0..aadEnd)} authenticated.
     */
    void sealLink(long seq, byte[] frame, int aadEnd, int from, int length) {
        seal(link, linkKey, seq, frame, aadEnd, frame, from, length, from);
    }

    /**
     * Opens {@code frame[from..from+lengthWithTag)} into {@code out} at the same offset
     * ({@code frame[0..aadEnd)} authenticated); returns the plaintext length. A separate output
     * spares the JDK's copy of overlapping input.
     */
    int openLink(long seq, byte[] frame, int aadEnd, int from, int lengthWithTag, byte[] out)
            throws AEADBadTagException {
        return open(link, linkKey, seq, frame, aadEnd, from, lengthWithTag, out);
    }

    /** Appends a GMAC under K_link of {@code frame[0..end)} at {@code end}: the link tag of a two-tag GROUP frame. */
    void tagLink(long seq, byte[] frame, int end) {
        try {
            link.init(Cipher.ENCRYPT_MODE, linkKey, nonce(seq));
            link.updateAAD(frame, 0, end);
            link.doFinal(frame, end, 0, frame, end);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    boolean linkTagOk(long seq, byte[] frame, int end) {
        try {
            link.init(Cipher.DECRYPT_MODE, linkKey, nonce(seq));
            link.updateAAD(frame, 0, end);
            link.doFinal(frame, end, Crypto.TAG_BYTES);
            return true;
        } catch (AEADBadTagException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    /** Whether K_gv of this view can be had: the view key is held here and not forgotten. */
    boolean hasGroupKey(String group, long viewId) {
        return groupCipher(group, viewId);
    }

    /**
     * Encrypts {@code body[off..off+len)} under K_gv into {@code frame} at {@code aadEnd}, tag
     * appended, {@code frame[0..aadEnd)} authenticated; false (nothing done) without the view key.
     */
    boolean sealGroup(String group, long viewId, long seq, byte[] frame, int aadEnd, byte[] body, int off, int len) {
        if (!groupCipher(group, viewId)) {
            return false;
        }
        seal(lastCipher, lastKey, seq, frame, aadEnd, body, off, len, aadEnd);
        return true;
    }

    /**
     * Opens in place under K_gv.
     *
     * @return the plaintext length, or -1 without the view key
     */
    int openGroup(String group, long viewId, long seq, byte[] frame, int aadEnd, int from, int lengthWithTag,
                  byte[] out) throws AEADBadTagException {
        if (!groupCipher(group, viewId)) {
            return -1;
        }
        return open(lastCipher, lastKey, seq, frame, aadEnd, from, lengthWithTag, out);
    }

    /** Selects K_gv of the view into the one-entry cache; false without the view key. */
    private boolean groupCipher(String group, long viewId) {
        long g = groupKeys.generation();
        if (g != generation) { // a view was forgotten: its K_gv must not outlive its view key
            generation = g;
            viewCiphers.clear();
            viewKeys.clear();
            lastGroup = null;
        }
        if (lastGroup != null && lastView == viewId && lastGroup.equals(group)) {
            return true;
        }
        GroupView id = new GroupView(group, viewId);
        SecretKeySpec key = viewKeys.get(id);
        if (key == null) {
            byte[] viewKey = groupKeys.key(group, viewId);
            if (viewKey == null) {
                return false;
            }
            key = Crypto.viewSubkey(viewKey, linkKeyBytes, Wire.GROUP_KEY_LABEL, group, viewId);
            if (viewKeys.size() >= MAX_VIEW_KEYS) {
                viewKeys.clear();
                viewCiphers.clear();
            }
            viewKeys.put(id, key);
            viewCiphers.put(id, Crypto.newGcm());
        }
        lastGroup = group;
        lastView = viewId;
        lastKey = key;
        lastCipher = viewCiphers.get(id);
        return true;
    }

    private static void seal(Cipher c, SecretKeySpec key, long seq, byte[] frame, int aadEnd, byte[] in, int inOff,
                             int length, int outOff) {
        try {
            c.init(Cipher.ENCRYPT_MODE, key, nonce(seq));
            c.updateAAD(frame, 0, aadEnd);
            c.doFinal(in, inOff, length, frame, outOff);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    private static int open(Cipher c, SecretKeySpec key, long seq, byte[] frame, int aadEnd, int from,
                            int lengthWithTag, byte[] out) throws AEADBadTagException {
        try {
            c.init(Cipher.DECRYPT_MODE, key, nonce(seq));
            c.updateAAD(frame, 0, aadEnd);
            return c.doFinal(frame, from, lengthWithTag, out, from);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            AEADBadTagException bad = new AEADBadTagException("cannot open: " + e.getClass().getSimpleName());
            throw bad;
        }
    }
}
