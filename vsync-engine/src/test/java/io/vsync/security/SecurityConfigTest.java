package io.vsync.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecurityConfigTest {
    private static final String GOOD = "base64:" + Base64.getEncoder().encodeToString(
            "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t!".getBytes(StandardCharsets.UTF_8));

    @Test
    void acceptsTheTextFormsAndNeverShowsTheSecret() {
        SecurityConfig fromBase64 = SecurityConfig.clusterSecret(GOOD);
        assertThat(fromBase64.secretLength()).isEqualTo(35);
        SecurityConfig fromHex = SecurityConfig.clusterSecret("hex:" + "0f1e2d3c4b5a6978".repeat(4));
        assertThat(fromHex.secretLength()).isEqualTo(32);
        SecurityConfig fromText = SecurityConfig.clusterSecret("correct horse battery staple, twice over!");
        assertThat(fromText.secretLength()).isEqualTo(41);
        assertThat(fromText.toString()).isEqualTo("SecurityConfig[cluster secret: 41 bytes, not shown]")
                .doesNotContain("horse");
        assertThat(fromBase64).isNotEqualTo(SecurityConfig.clusterSecret(GOOD)); // identity: no hash of the secret
    }

    @Test
    void aShortSecretIsRefusedWithAClearMessage() {
        assertThatThrownBy(() -> SecurityConfig.clusterSecret("too-short-password"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is 18 bytes long; at least 32 bytes")
                .hasMessageContaining("openssl rand -base64 32")
                .hasMessageNotContaining("too-short-password");
        assertThatThrownBy(() -> SecurityConfig.clusterSecret(new byte[31])).hasMessageContaining("31 bytes");
        assertThatThrownBy(() -> SecurityConfig.clusterSecret(new byte[64])).hasMessageContaining("one byte value repeated");
        assertThatThrownBy(() -> SecurityConfig.clusterSecret("  ")).hasMessageContaining("is empty");
    }

    @Test
    void badEncodingsAreRefusedWithoutQuotingTheSecret() {
        assertThatThrownBy(() -> SecurityConfig.clusterSecret("base64:%%secret-material%%"))
                .hasMessageContaining("not valid Base64").hasMessageNotContaining("secret-material")
                .hasNoCause();
        assertThatThrownBy(() -> SecurityConfig.clusterSecret("hex:zz-secret-material"))
                .hasMessageContaining("hex digits").hasMessageNotContaining("secret-material").hasNoCause();
    }

    @Test
    void readsAFileAndIgnoresItsFinalNewline(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cluster.secret");
        Files.writeString(file, GOOD + "\n");
        assertThat(SecurityConfig.clusterSecretFile(file).secretLength()).isEqualTo(35);
        assertThatThrownBy(() -> SecurityConfig.clusterSecretFile(dir.resolve("missing")))
                .hasMessageContaining("cannot read the cluster secret file");
        Files.writeString(file, "short");
        assertThatThrownBy(() -> SecurityConfig.clusterSecretFile(file)).hasMessageContaining("in " + file)
                .hasMessageContaining("5 bytes long").hasMessageNotContaining("short\"");
    }
}
