package io.vsync.security;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF-SHA256, HMAC-SHA256, X25519 and AES-GCM as this package uses them. Stateless. */
final class Crypto {
    static final int KEY_BYTES = 32;
    static final int MAC_BYTES = 32;
    static final int TAG_BYTES = 16;
    static final int NONCE_BYTES = 12;
    static final int PUBLIC_KEY_BYTES = 32;

    private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no AES/GCM", e);
        }
    });

    private Crypto() {
    }

    static Cipher newGcm() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no AES/GCM", e);
        }
    }

    /** A cipher for the calling thread; re-initialised by every use. */
    static Cipher threadGcm() {
        return GCM.get();
    }

    static SecretKeySpec aesKey(byte[] key) {
        return new SecretKeySpec(key, "AES");
    }

    static byte[] hmac(byte[] key, byte[] data, int offset, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(data, offset, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Constant-time comparison of {@code expected} with {@code data[offset..offset+expected.length)}. */
    static boolean equalsAt(byte[] expected, byte[] data, int offset) {
        if (offset < 0 || offset + expected.length > data.length) {
            return false;
        }
        int diff = 0;
        for (int i = 0; i < expected.length; i++) {
            diff |= expected[i] ^ data[offset + i];
        }
        return diff == 0;
    }

    /** HKDF-Extract (RFC 5869). */
    static byte[] extract(byte[] salt, byte[] ikm) {
        return hmac(salt, ikm, 0, ikm.length);
    }

    /** HKDF-Expand (RFC 5869) to {@code length} bytes, at most 255 blocks. */
    static byte[] expand(byte[] prk, byte[] info, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            byte[] out = new byte[length];
            byte[] block = new byte[0];
            int done = 0;
            for (int i = 1; done < length; i++) {
                mac.update(block);
                mac.update(info);
                mac.update((byte) i);
                block = mac.doFinal();
                int n = Math.min(block.length, length - done);
                System.arraycopy(block, 0, out, done, n);
                done += n;
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    static byte[] expand(byte[] prk, String label, int length) {
        return expand(prk, label.getBytes(StandardCharsets.UTF_8), length);
    }

    // ---- X25519

    static KeyPair newX25519() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("XDH");
            g.initialize(NamedParameterSpec.X25519);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no X25519 (XDH)", e);
        }
    }

    /** The 32-byte little-endian u-coordinate (RFC 7748). */
    static byte[] rawPublic(PublicKey key) {
        BigInteger u = ((XECPublicKey) key).getU();
        byte[] be = u.toByteArray();
        byte[] le = new byte[PUBLIC_KEY_BYTES];
        for (int i = 0; i < be.length && i < PUBLIC_KEY_BYTES; i++) {
            le[i] = be[be.length - 1 - i];
        }
        return le;
    }

    static PublicKey publicFromRaw(byte[] le) throws GeneralSecurityException {
        byte[] be = new byte[PUBLIC_KEY_BYTES + 1];
        for (int i = 0; i < PUBLIC_KEY_BYTES; i++) {
            be[PUBLIC_KEY_BYTES - i] = le[i];
        }
        be[1] &= 0x7F; // RFC 7748: mask the top bit of the last byte
        return KeyFactory.getInstance("XDH").generatePublic(
                new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(be)));
    }

    /**
     * An AES key bound to one view's key and to {@code ikm}: {@code HKDF-Expand(HKDF-Extract(salt
     * = view key, ikm), label ‖ group ‖ view)}. Wipes {@code viewKey} and every intermediate.
     */
    static SecretKeySpec viewSubkey(byte[] viewKey, byte[] ikm, byte[] label, String group, long viewId) {
        byte[] prk = extract(viewKey, ikm);
        wipe(viewKey);
        byte[] raw = expand(prk, new Bin.Writer(64).bytes(label).string(group).i64(viewId).toBytes(), KEY_BYTES);
        wipe(prk);
        SecretKeySpec key = aesKey(raw);
        wipe(raw);
        return key;
    }

    /** X25519 shared secret; fails on a low-order peer key (all-zero output). */
    static byte[] dh(PrivateKey own, byte[] peerRaw) throws GeneralSecurityException {
        KeyAgreement ka = KeyAgreement.getInstance("XDH");
        ka.init(own);
        ka.doPhase(publicFromRaw(peerRaw), true);
        byte[] shared = ka.generateSecret();
        boolean zero = true;
        for (byte b : shared) {
            zero &= b == 0;
        }
        if (zero) {
            throw new GeneralSecurityException("low-order public key");
        }
        return shared;
    }

    static void wipe(byte[] bytes) {
        if (bytes != null) {
            Arrays.fill(bytes, (byte) 0);
        }
    }
}
