package io.vsync.security;

import io.vsync.transport.TlsStats;
import io.vsync.transport.TransportTls;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS between engines: this process's private key and certificate (a key store), the
 * certificates it trusts (a trust store, usually the cluster's CA), and the protocols.
 * Every connection then runs TLS with mutual authentication, and each peer's certificate must
 * name the host of the address it speaks for (see {@link TransportTls}).
 *
 * <p>{@link Builder#build()} opens both stores and checks them at once, so a bad setting fails
 * at start with an {@link IllegalArgumentException} naming the file and what is wrong with it
 * (unreadable, wrong password, no private key, expired certificate), never a password. The
 * passwords are used only there and wiped; this object keeps the ready {@link SSLContext}.
 * {@link #toString()} shows the files only. Immutable and thread-safe.
 */
public final class TlsConfig {
    /** The default protocol: TLS 1.3 only. */
    public static final String DEFAULT_PROTOCOL = "TLSv1.3";

    private final Path keyStore;
    private final Path trustStore;
    private final String alias;
    private final List<String> protocols;
    private final TransportTls transportTls;

    private TlsConfig(Path keyStore, Path trustStore, String alias, List<String> protocols, TransportTls tls) {
        this.keyStore = keyStore;
        this.trustStore = trustStore;
        this.alias = alias;
        this.protocols = protocols;
        this.transportTls = tls;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The TLS layer the engine's TCP transport runs with; its counters are {@link #stats()}. */
    public TransportTls transportTls() {
        return transportTls;
    }

    /** Handshakes completed and refused, by every transport made with this configuration. */
    public TlsStats stats() {
        return transportTls.stats();
    }

    /** The alias of the key this process presents. */
    public String keyAlias() {
        return alias;
    }

    public List<String> protocols() {
        return protocols;
    }

    @Override
    public String toString() {
        return "TlsConfig[key store " + keyStore + " (key '" + alias + "'), trust store " + trustStore + ", protocols "
                + protocols + ", passwords not shown]";
    }

    /** Collects the settings; {@link #build()} validates them. Not thread-safe. */
    public static final class Builder {
        private Path keyStore;
        private char[] keyStorePassword;
        private String keyStoreType;
        private char[] keyPassword;
        private String keyAlias;
        private Path trustStore;
        private char[] trustStorePassword;
        private String trustStoreType;
        private List<String> protocols = List.of(DEFAULT_PROTOCOL);
        private final Map<String, String> peerNames = new LinkedHashMap<>();

        private Builder() {
        }

        /** This process's private key and certificate chain (PKCS12 or JKS); the password is copied. */
        public Builder keyStore(Path file, char[] password) {
            this.keyStore = Objects.requireNonNull(file, "key store");
            this.keyStorePassword = password == null ? null : password.clone();
            return this;
        }

        /** The key store's type ({@code PKCS12}, {@code JKS}); default from the file name, else PKCS12. */
        public Builder keyStoreType(String type) {
            this.keyStoreType = type;
            return this;
        }

        /** The private key's own password, when it differs from the key store's (JKS); copied. */
        public Builder keyPassword(char[] password) {
            this.keyPassword = password == null ? null : password.clone();
            return this;
        }

        /** Which private key to present, when the key store holds several. */
        public Builder keyAlias(String alias) {
            this.keyAlias = alias;
            return this;
        }

        /** The certificates this process trusts (usually the cluster's CA); the password is copied. */
        public Builder trustStore(Path file, char[] password) {
            this.trustStore = Objects.requireNonNull(file, "trust store");
            this.trustStorePassword = password == null ? null : password.clone();
            return this;
        }

        public Builder trustStoreType(String type) {
            this.trustStoreType = type;
            return this;
        }

        /** The protocols to enable (default {@value TlsConfig#DEFAULT_PROTOCOL}). */
        public Builder protocols(String... protocols) {
            this.protocols = List.of(protocols);
            return this;
        }

        /**
         * The name (DNS or IP subject alternative name) that the certificate of the member
         * addressed at {@code host} holds, when it is not {@code host} itself.
         */
        public Builder peerName(String host, String certificateName) {
            peerNames.put(Objects.requireNonNull(host, "host"), Objects.requireNonNull(certificateName, "name"));
            return this;
        }

        /**
         * Opens and checks both stores and makes the TLS context. Wipes the passwords it holds.
         *
         * @throws IllegalArgumentException naming the file and the problem, never a password
         */
        public TlsConfig build() {
            try {
                if (keyStore == null) {
                    throw new IllegalArgumentException("TLS needs a key store (this process's private key and"
                            + " certificate): none is set");
                }
                if (trustStore == null) {
                    throw new IllegalArgumentException("TLS needs a trust store (the certificates, usually the"
                            + " cluster's CA, that members' certificates are checked against): none is set");
                }
                if (protocols.isEmpty()) {
                    throw new IllegalArgumentException("TLS protocols: at least one is needed, e.g. "
                            + DEFAULT_PROTOCOL);
                }
                KeyStore keys = load("key store", keyStore, keyStoreType, keyStorePassword);
                char[] keyPass = keyPassword != null ? keyPassword : keyStorePassword;
                String alias = chooseKey(keys);
                KeyStore single = singleKey(keys, alias, keyPass);
                KeyStore trusted = load("trust store", trustStore, trustStoreType, trustStorePassword);
                checkTrusted(trusted);

                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(single, keyPass == null ? new char[0] : keyPass);
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trusted);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
                checkProtocols(context);
                return new TlsConfig(keyStore, trustStore, alias, protocols,
                        new TransportTls(context, protocols, peerNames));
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot set up TLS with the key store " + keyStore + " and the trust"
                        + " store " + trustStore + ": " + e.getClass().getSimpleName());
            } finally {
                wipe(keyStorePassword);
                wipe(keyPassword);
                wipe(trustStorePassword);
                keyStorePassword = keyPassword = trustStorePassword = null;
            }
        }

        private static KeyStore load(String what, Path file, String type, char[] password) {
            String t = type != null ? type : typeOf(file);
            KeyStore store;
            try {
                store = KeyStore.getInstance(t);
            } catch (KeyStoreException e) {
                throw new IllegalArgumentException("the TLS " + what + " type '" + t + "' is not supported (use PKCS12"
                        + " or JKS)");
            }
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("cannot read the TLS " + what + " " + file + ": "
                        + (Files.exists(file) ? "not readable by this process" : "no such file"));
            }
            try (InputStream in = Files.newInputStream(file)) {
                store.load(in, password);
            } catch (IOException e) {
                boolean wrongPassword = e.getCause() instanceof UnrecoverableKeyException
                        || String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("password");
                throw new IllegalArgumentException("cannot open the TLS " + what + " " + file + ": " + (wrongPassword
                        ? "wrong password (or the file is damaged)"
                        : "not a readable " + t + " key store (" + e.getClass().getSimpleName() + ")"));
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot open the TLS " + what + " " + file + ": "
                        + e.getClass().getSimpleName());
            }
            return store;
        }

        private static String typeOf(Path file) {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            return name.endsWith(".jks") ? "JKS" : "PKCS12";
        }

        private String chooseKey(KeyStore keys) throws KeyStoreException {
            List<String> keyAliases = new ArrayList<>();
            for (String a : Collections.list(keys.aliases())) {
                if (keys.isKeyEntry(a)) {
                    keyAliases.add(a);
                }
            }
            if (keyAlias != null) {
                if (!keys.containsAlias(keyAlias)) {
                    throw new IllegalArgumentException("the TLS key store " + keyStore + " has no entry '" + keyAlias
                            + "' (key alias); its private keys: " + keyAliases);
                }
                if (!keys.isKeyEntry(keyAlias)) {
                    throw new IllegalArgumentException("the entry '" + keyAlias + "' of the TLS key store " + keyStore
                            + " is not a private key (it is a trusted certificate); its private keys: " + keyAliases);
                }
                return keyAlias;
            }
            if (keyAliases.isEmpty()) {
                throw new IllegalArgumentException("the TLS key store " + keyStore + " holds no private key: it needs"
                        + " this process's key and certificate (keytool -genkeypair), not only certificates");
            }
            if (keyAliases.size() > 1) {
                throw new IllegalArgumentException("the TLS key store " + keyStore + " holds " + keyAliases.size()
                        + " private keys " + keyAliases + ": set the key alias to choose one");
            }
            return keyAliases.get(0);
        }

        /** An in-memory store holding only the chosen key, so the JDK cannot present another. */
        private KeyStore singleKey(KeyStore keys, String alias, char[] keyPass) throws GeneralSecurityException {
            Key key;
            try {
                key = keys.getKey(alias, keyPass == null ? new char[0] : keyPass);
            } catch (UnrecoverableKeyException e) {
                throw new IllegalArgumentException("cannot read the private key '" + alias + "' of the TLS key store "
                        + keyStore + ": wrong key password");
            }
            if (!(key instanceof PrivateKey)) {
                throw new IllegalArgumentException("the entry '" + alias + "' of the TLS key store " + keyStore
                        + " is not a private key");
            }
            Certificate[] chain = keys.getCertificateChain(alias);
            if (chain == null || chain.length == 0) {
                throw new IllegalArgumentException("the private key '" + alias + "' of the TLS key store " + keyStore
                        + " has no certificate");
            }
            for (Certificate c : chain) {
                checkValidity(c, "the certificate of '" + alias + "' in the TLS key store " + keyStore);
            }
            KeyStore single = KeyStore.getInstance("PKCS12");
            try {
                single.load(null, null);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            single.setKeyEntry(alias, key, keyPass == null ? new char[0] : keyPass, chain);
            return single;
        }

        private void checkTrusted(KeyStore trusted) throws KeyStoreException {
            int certificates = 0;
            for (String a : Collections.list(trusted.aliases())) {
                Certificate c = trusted.getCertificate(a);
                if (c != null) {
                    certificates++;
                    checkValidity(c, "the certificate '" + a + "' in the TLS trust store " + trustStore);
                }
            }
            if (certificates == 0) {
                throw new IllegalArgumentException("the TLS trust store " + trustStore + " holds no certificate: import"
                        + " the cluster's CA certificate (keytool -importcert)");
            }
        }

        private static void checkValidity(Certificate c, String what) {
            if (c instanceof X509Certificate x) {
                try {
                    x.checkValidity();
                } catch (CertificateExpiredException e) {
                    throw new IllegalArgumentException(what + " (" + x.getSubjectX500Principal().getName()
                            + ") expired on " + x.getNotAfter().toInstant());
                } catch (CertificateNotYetValidException e) {
                    throw new IllegalArgumentException(what + " (" + x.getSubjectX500Principal().getName()
                            + ") is not valid before " + x.getNotBefore().toInstant());
                }
            }
        }

        private void checkProtocols(SSLContext context) {
            List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getProtocols());
            for (String p : protocols) {
                if (!supported.contains(p)) {
                    throw new IllegalArgumentException("TLS protocol '" + p + "' is not supported by this JDK;"
                            + " supported: " + supported);
                }
            }
        }

        private static void wipe(char[] password) {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }
}
