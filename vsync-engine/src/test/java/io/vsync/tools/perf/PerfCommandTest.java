package io.vsync.tools.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class PerfCommandTest {

    @Test
    void optionsTakeValuesEqualsFormsAndBareFlags() {
        assertThat(PerfCommand.options(List.of("--kinds", "safe,causal", "--q-size=32", "--dump", "--runs", "2")))
                .containsEntry("kinds", "safe,causal").containsEntry("q-size", "32").containsEntry("dump", "true")
                .containsEntry("runs", "2");
        assertThatThrownBy(() -> PerfCommand.options(List.of("runs", "2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected --option");
    }

    @Test
    void everyMulticastPrimitiveIsAKindAndAnUnknownOneNamesTheOption() {
        assertThat(PerfCommand.parseKinds("kinds", "fifo,causal,ordered,safe"))
                .containsExactly("fifo", "causal", "ordered", "safe");
        assertThatThrownBy(() -> PerfCommand.parseKinds("fl-kind", "uniform"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--fl-kind").hasMessageContaining("'uniform'");
    }

    @Test
    void onlyTheTotalOrderKindsMustDeliverOneSequence() {
        assertThat(PerfCommand.totalOrder("ordered")).isTrue();
        assertThat(PerfCommand.totalOrder("safe")).isTrue();
        assertThat(PerfCommand.totalOrder("causal")).isFalse();
        assertThat(PerfCommand.totalOrder("fifo")).isFalse();
    }

    @Test
    void anUnknownTestIsRefusedBeforeAnythingStarts() {
        PrintStream out = new PrintStream(new ByteArrayOutputStream());
        assertThatThrownBy(() -> PerfCommand.run(List.of("stability"), out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("query").hasMessageContaining("flush");
    }

    @Test
    void securityIsOffOrASharedSecretOnlyThisUserCanRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = PerfCommand.secretFileFor("secret", dir);
        assertThat(java.nio.file.Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(java.nio.file.Files.readString(file)).hasSize(64);
        assertThat(PerfCommand.secretFileFor("off", dir)).isNull();
        assertThatThrownBy(() -> PerfCommand.secretFileFor("tls", dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--security");
    }
}
