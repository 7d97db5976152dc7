package io.vsync.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Cluster security settings: the shared cluster secret every engine of the cluster holds,
 * certificates ({@link TlsConfig}), or both.
 *
 * <p>The secret authenticates every frame and, through HKDF, keys the handshakes; it is never
 * sent. It must be at least {@value #MIN_SECRET_BYTES} bytes of random data: generate one with
 * {@code openssl rand -base64 32} and configure it as {@code base64:<output>}.
 *
 * <p>The secret never appears in {@link #toString()}, in log lines or in exception messages;
 * {@link #equals} is identity so that a hash of it cannot leak either. Immutable and
 * thread-safe.
 *
 * <p>With TLS ({@link #tls(TlsConfig)}) every connection runs TLS with mutual authentication,
 * and the per-view group keys still run on top (a removed member keeps a valid certificate).
 * Without a cluster secret their handshakes are authenticated by the TLS layer instead: a frame
 * reaches them only over a connection whose certificate names the sender's address. With both
 * ({@link #withTls}), the secret authenticates them as well.
 */
public final class SecurityConfig {
    /** The shortest accepted cluster secret, in bytes (256 bits). */
    public static final int MIN_SECRET_BYTES = 32;
    /** Longer secrets are accepted but add nothing past this; the bound only stops absurd input. */
    public static final int MAX_SECRET_BYTES = 4096;

    /**
     * The handshake key material of TLS-only mode. Public on purpose: there, peers are
     * authenticated by their certificates (the transport delivers a frame only from the address
     * its certificate names), so the handshake needs no secret; the Diffie-Hellman exchange
     * still makes every session and wrap key private to its two processes.
     */
    private static final byte[] TLS_MODE_SECRET = "vsync: TLS mode, peers authenticated by certificates"
            .getBytes(StandardCharsets.US_ASCII);

    private final byte[] clusterSecret;
    private final TlsConfig tls;

    private SecurityConfig(byte[] clusterSecret) {
        this(clusterSecret, null);
    }

    private SecurityConfig(byte[] clusterSecret, TlsConfig tls) {
        this.clusterSecret = clusterSecret;
        this.tls = tls;
    }

    /**
     * Certificates instead of a shared secret: TLS with mutual authentication on every
     * connection (see docs/security.md for which to pick).
     */
    public static SecurityConfig tls(TlsConfig tls) {
        return new SecurityConfig(null, Objects.requireNonNull(tls, "tls"));
    }

    /** TLS from key and trust store files, with the defaults of {@link TlsConfig.Builder}. */
    public static SecurityConfig tls(Path keyStore, char[] keyStorePassword, Path trustStore,
                                     char[] trustStorePassword) {
        return tls(TlsConfig.builder().keyStore(keyStore, keyStorePassword).trustStore(trustStore, trustStorePassword)
                .build());
    }

    /** This cluster secret and TLS together: the secret also authenticates the group-key handshakes. */
    public SecurityConfig withTls(TlsConfig tls) {
        if (clusterSecret == null) {
            return tls(tls);
        }
        return new SecurityConfig(clusterSecret, Objects.requireNonNull(tls, "tls"));
    }

    /** The TLS settings, or null without TLS. */
    public TlsConfig tlsConfig() {
        return tls;
    }

    public boolean hasClusterSecret() {
        return clusterSecret != null;
    }

    /**
     * A cluster secret given as bytes (copied).
     *
     * @throws IllegalArgumentException when it is shorter than {@value #MIN_SECRET_BYTES} bytes
     *                                  or is one byte value repeated
     */
    public static SecurityConfig clusterSecret(byte[] secret) {
        Objects.requireNonNull(secret, "cluster secret");
        return new SecurityConfig(validated(secret.clone(), "the cluster secret"));
    }

    /**
     * A cluster secret given as text, the form configuration files use:
     * {@code base64:<Base64>}, {@code hex:<hex digits>}, or otherwise the text's UTF-8 bytes.
     *
     * @throws IllegalArgumentException when it does not decode or is too short; the message
     *                                  never repeats the text
     */
    public static SecurityConfig clusterSecret(String text) {
        Objects.requireNonNull(text, "cluster secret");
        return new SecurityConfig(validated(decode(text.strip(), "the cluster secret"), "the cluster secret"));
    }

    /**
     * A cluster secret read from a file, in the text forms of {@link #clusterSecret(String)}
     * (surrounding white space, such as a final newline, is ignored).
     *
     * @throws IllegalArgumentException when the file cannot be read or holds no valid secret
     */
    public static SecurityConfig clusterSecretFile(Path file) {
        Objects.requireNonNull(file, "cluster secret file");
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the cluster secret file " + file + ": "
                    + e.getClass().getSimpleName());
        }
        String text = new String(raw, StandardCharsets.UTF_8).strip();
        Arrays.fill(raw, (byte) 0);
        String what = "the cluster secret in " + file;
        return new SecurityConfig(validated(decode(text, what), what));
    }

    /** A copy of the secret, for key derivation; in TLS-only mode, the public constant above. */
    byte[] secret() {
        return clusterSecret != null ? clusterSecret.clone() : TLS_MODE_SECRET.clone();
    }

    /** The secret's length only (0 without one): the secret itself is never shown. */
    public int secretLength() {
        return clusterSecret != null ? clusterSecret.length : 0;
    }

    @Override
    public String toString() {
        return "SecurityConfig[" + (clusterSecret != null ? "cluster secret: " + clusterSecret.length
                + " bytes, not shown" : "no cluster secret") + (tls != null ? ", " + tls : "") + "]";
    }

    private static byte[] decode(String text, String what) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty; it must be at least " + MIN_SECRET_BYTES
                    + " bytes, e.g. 'base64:' followed by the output of `openssl rand -base64 32`");
        }
        if (text.startsWith("base64:")) {
            try {
                return Base64.getDecoder().decode(text.substring("base64:".length()).strip());
            } catch (IllegalArgumentException e) { // its message quotes a character of the secret: not chained
                throw new IllegalArgumentException(what + " starts with 'base64:' but the rest is not valid Base64");
            }
        }
        if (text.startsWith("hex:")) {
            try {
                return HexFormat.of().parseHex(text.substring("hex:".length()).strip());
            } catch (IllegalArgumentException e) { // same: its message may quote the secret
                throw new IllegalArgumentException(what + " starts with 'hex:' but the rest is not an even number "
                        + "of hex digits");
            }
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] validated(byte[] secret, String what) {
        if (secret.length < MIN_SECRET_BYTES) {
            int length = secret.length;
            Arrays.fill(secret, (byte) 0);
            throw new IllegalArgumentException(what + " is " + length + " bytes long; at least " + MIN_SECRET_BYTES
                    + " bytes of random data are required, e.g. 'base64:' followed by the output of "
                    + "`openssl rand -base64 32`");
        }
        if (secret.length > MAX_SECRET_BYTES) {
            throw new IllegalArgumentException(what + " is " + secret.length + " bytes long; at most "
                    + MAX_SECRET_BYTES + " bytes are accepted");
        }
        boolean allSame = true;
        for (byte b : secret) {
            allSame &= b == secret[0];
        }
        if (allSame) {
            throw new IllegalArgumentException(what + " is one byte value repeated: use random data, e.g. "
                    + "`openssl rand -base64 32`");
        }
        return secret;
    }
}
