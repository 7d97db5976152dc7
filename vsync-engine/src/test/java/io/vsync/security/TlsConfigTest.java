package io.vsync.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vsync.runtime.NioVsyncEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TlsConfig opens and checks its stores at build: every mistake is named, no password ever shown. */
class TlsConfigTest {
    private static final String PW = TestPki.PASSWORD;
    private final TestPki pki = TestPki.get();

    private TlsConfig.Builder good() {
        return TlsConfig.builder().keyStore(pki.member, PW.toCharArray()).trustStore(pki.trust, PW.toCharArray());
    }

    @Test
    void aGoodKeyStoreAndTrustStoreMakeATls13ConfigThatShowsNoPassword() {
        TlsConfig tls = good().build();
        assertThat(tls.keyAlias()).isEqualTo("member");
        assertThat(tls.protocols()).containsExactly("TLSv1.3");
        assertThat(tls.toString()).contains(pki.member.toString()).contains(pki.trust.toString()).doesNotContain(PW);
        SecurityConfig security = SecurityConfig.tls(tls);
        assertThat(security.hasClusterSecret()).isFalse();
        assertThat(security.tlsConfig()).isSameAs(tls);
        assertThat(security.toString()).contains("no cluster secret").doesNotContain(PW);
    }

    @Test
    void theBuilderWipesThePasswordsItWasGiven() {
        char[] password = PW.toCharArray();
        TlsConfig.builder().keyStore(pki.member, password).trustStore(pki.trust, password).build();
        assertThat(new String(password)).isEqualTo(PW); // the caller's array is copied, not wiped under it
    }

    @Test
    void aMissingKeyStoreIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope.p12");
        assertThatThrownBy(() -> TlsConfig.builder().keyStore(missing, PW.toCharArray())
                .trustStore(pki.trust, PW.toCharArray()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot read the TLS key store " + missing)
                .hasMessageContaining("no such file");
    }

    @Test
    void aWrongPasswordIsNamedWithoutThePassword() {
        assertThatThrownBy(() -> TlsConfig.builder().keyStore(pki.member, "not-the-password".toCharArray())
                .trustStore(pki.trust, PW.toCharArray()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot open the TLS key store " + pki.member)
                .hasMessageContaining("wrong password")
                .hasMessageNotContaining("not-the-password");
        assertThatThrownBy(() -> TlsConfig.builder().keyStore(pki.member, PW.toCharArray())
                .trustStore(pki.trust, "also-wrong".toCharArray()).build())
                .hasMessageContaining("cannot open the TLS trust store " + pki.trust)
                .hasMessageContaining("wrong password")
                .hasMessageNotContaining("also-wrong");
    }

    @Test
    void aFileThatIsNotAKeyStoreIsNamed(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk.p12");
        Files.writeString(junk, "this is not a key store");
        assertThatThrownBy(() -> TlsConfig.builder().keyStore(junk, PW.toCharArray())
                .trustStore(pki.trust, PW.toCharArray()).build())
                .hasMessageContaining("cannot open the TLS key store " + junk);
    }

    @Test
    void aKeyStoreWithoutAPrivateKeyIsRefused() {
        assertThatThrownBy(() -> TlsConfig.builder().keyStore(pki.caOnly, PW.toCharArray())
                .trustStore(pki.trust, PW.toCharArray()).build())
                .hasMessageContaining("the TLS key store " + pki.caOnly + " holds no private key");
    }

    @Test
    void aKeyAliasThatIsNotThereOrNotAKeyIsRefused() {
        assertThatThrownBy(() -> good().keyAlias("other").build())
                .hasMessageContaining("has no entry 'other' (key alias)").hasMessageContaining("[member]");
        assertThatThrownBy(() -> good().keyAlias("ca").build())
                .hasMessageContaining("the entry 'ca' of the TLS key store " + pki.member + " is not a private key");
    }

    @Test
    void anExpiredCertificateIsRefused() {
        assertThatThrownBy(() -> TlsConfig.builder().keyStore(pki.expired, PW.toCharArray())
                .trustStore(pki.trust, PW.toCharArray()).build())
                .hasMessageContaining("the certificate of 'old' in the TLS key store " + pki.expired)
                .hasMessageContaining("expired on");
    }

    @Test
    void missingStoresAndUnknownProtocolsAreRefused() {
        assertThatThrownBy(() -> TlsConfig.builder().trustStore(pki.trust, PW.toCharArray()).build())
                .hasMessageContaining("TLS needs a key store");
        assertThatThrownBy(() -> TlsConfig.builder().keyStore(pki.member, PW.toCharArray()).build())
                .hasMessageContaining("TLS needs a trust store");
        assertThatThrownBy(() -> good().protocols("TLSv9").build())
                .hasMessageContaining("TLS protocol 'TLSv9' is not supported");
    }

    @Test
    void theEngineBuilderKeepsTlsAndASecretTogetherAndRefusesACustomTransport() {
        TlsConfig tls = good().build();
        NioVsyncEngine.Builder b = NioVsyncEngine.builder().tls(tls);
        b.clusterSecret(SecureTransportTest.SECRET);
        assertThatThrownBy(() -> NioVsyncEngine.builder().tls(tls)
                .transport(io.vsync.transport.NioTransport::new).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TLS runs on the TCP transport");
    }
}
