package io.vsync.spring.boot.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.vsync.api.VsyncEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * vsync.security.tls.*: bound, validated at startup naming the property, handed to the engine
 * builder as a checked TlsConfig; no password ever appears in a message or in toString. The key
 * store is made here with the JDK's keytool (no private key is checked in).
 */
class VsyncTlsPropertiesTests {

    private static final String PASSWORD = "store-pass-1234";

    @TempDir
    static Path dir;

    private static Path keyStore;

    private static Path trustStore;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(VsyncAutoConfiguration.class))
        .withUserConfiguration(FakeEngineConfiguration.class);

    @BeforeAll
    static void makeStores() throws Exception {
        keyStore = dir.resolve("member.p12");
        trustStore = dir.resolve("trust.p12");
        Path cert = dir.resolve("member.crt");
        keytool("-genkeypair", "-alias", "member", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=member",
                "-ext", "san=ip:127.0.0.1", "-validity", "30", "-keystore", keyStore.toString());
        keytool("-exportcert", "-rfc", "-alias", "member", "-file", cert.toString(), "-keystore", keyStore.toString());
        keytool("-importcert", "-noprompt", "-alias", "member", "-file", cert.toString(), "-keystore",
                trustStore.toString());
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("keytool failed: " + output);
        }
    }

    private String[] tls(String... more) {
        List<String> values = new ArrayList<>(List.of("vsync.security.tls.enabled=true",
                "vsync.security.tls.key-store=" + keyStore, "vsync.security.tls.key-store-password=" + PASSWORD,
                "vsync.security.tls.trust-store=" + trustStore, "vsync.security.tls.trust-store-password=" + PASSWORD));
        values.addAll(List.of(more));
        return values.toArray(String[]::new);
    }

    @Test
    void tlsPropertiesReachTheEngineBuilderAsACheckedConfig() {
        this.runner.withPropertyValues(tls("vsync.security.tls.key-alias=member")).run(context -> {
            RecordingBuilder builder = new RecordingBuilder();
            context.getBean(VsyncEngineConfigurer.class).configure(builder);
            assertThat(builder.tls).isNotNull();
            assertThat(builder.tls.keyAlias()).isEqualTo("member");
            assertThat(builder.tls.protocols()).containsExactly("TLSv1.3");
            assertThat(builder.tls.toString()).doesNotContain(PASSWORD);
            assertThat(builder.clusterSecret).isNull();
            assertThat(context.getBean(VsyncProperties.class).getSecurity().toString()).contains("key-store-password set")
                .doesNotContain(PASSWORD);
        });
    }

    @Test
    void tlsIsOffUnlessEnabled() {
        this.runner.withPropertyValues("vsync.security.tls.key-store=" + keyStore).run(context -> {
            RecordingBuilder builder = new RecordingBuilder();
            context.getBean(VsyncEngineConfigurer.class).configure(builder);
            assertThat(builder.tls).isNull();
        });
    }

    @Test
    void enabledWithoutStoresFailsStartupNamingTheProperties() {
        this.runner.withPropertyValues("vsync.security.tls.enabled=true").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("vsync.security.tls.key-store must be set")
                .hasMessageContaining("vsync.security.tls.trust-store must be set");
        });
    }

    @Test
    void aMissingKeyStoreFailsNamingThePropertyAndTheFile() {
        Path missing = dir.resolve("missing.p12");
        this.runner.withPropertyValues(tls("vsync.security.tls.key-store=" + missing)).run(context -> {
            VsyncEngine.Builder real = VsyncEngine.builder();
            assertThatThrownBy(() -> context.getBean(VsyncEngineConfigurer.class).configure(real))
                .isInstanceOf(VsyncStartupException.class)
                .hasMessageContaining("vsync.security.tls.key-store: cannot read the TLS key store " + missing)
                .hasMessageNotContaining(PASSWORD);
        });
    }

    @Test
    void aWrongPasswordFailsNamingThePasswordPropertyNeverThePassword() {
        this.runner.withPropertyValues(tls("vsync.security.tls.trust-store-password=wrong-one-5678")).run(context -> {
            VsyncEngine.Builder real = VsyncEngine.builder();
            assertThatThrownBy(() -> context.getBean(VsyncEngineConfigurer.class).configure(real))
                .isInstanceOf(VsyncStartupException.class)
                .hasMessageContaining("vsync.security.tls.trust-store-password")
                .hasMessageContaining("wrong password")
                .hasMessageNotContaining("wrong-one-5678")
                .hasMessageNotContaining(PASSWORD);
        });
    }

    @Test
    void anUnknownKeyAliasFailsNamingTheAliasProperty() {
        this.runner.withPropertyValues(tls("vsync.security.tls.key-alias=nobody")).run(context -> {
            VsyncEngine.Builder real = VsyncEngine.builder();
            assertThatThrownBy(() -> context.getBean(VsyncEngineConfigurer.class).configure(real))
                .isInstanceOf(VsyncStartupException.class)
                .hasMessageContaining("vsync.security.tls.key-alias")
                .hasMessageContaining("'nobody'");
        });
    }

}
