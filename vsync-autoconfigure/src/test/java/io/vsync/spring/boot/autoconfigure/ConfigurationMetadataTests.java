package io.vsync.spring.boot.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The build generates configuration metadata with descriptions and defaults, so IDEs complete vsync.*. */
class ConfigurationMetadataTests {

    private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");

    private static final Path AUTOCONFIGURE_METADATA = Path.of("target/classes/META-INF/spring-autoconfigure-metadata.properties");

    @Test
    void generatedMetadataDescribesEveryPropertyWithItsDefault() throws Exception {
        assertThat(METADATA).exists();
        JsonNode root = JsonMapper.builder().build().readTree(Files.readString(METADATA));
        Map<String, JsonNode> properties = new LinkedHashMap<>();
        root.get("properties").forEach(p -> properties.put(p.get("name").asString(), p));

        assertThat(properties).containsKeys("vsync.node-name", "vsync.bind-address", "vsync.port", "vsync.seeds",
                "vsync.seed-dns", "vsync.failure-detection.heartbeat-interval", "vsync.failure-detection.timeout",
                "vsync.max-message-size", "vsync.send-window", "vsync.payload-format", "vsync.lifecycle.phase",
                "vsync.lifecycle.join-timeout", "vsync.lifecycle.shutdown-timeout", "vsync.handler.error-policy",
                "vsync.handler.max-attempts", "vsync.handler.retry-backoff", "vsync.health.view-change-limit",
                "vsync.groups", "management.health.vsync.enabled", "management.endpoint.vsync.access");
        properties.forEach((name, property) -> {
            if (name.startsWith("vsync.")) {
                assertThat(property.has("description")).as("description of %s", name).isTrue();
                assertThat(property.get("description").asString()).as("description of %s", name)
                    .doesNotStartWith("The ")
                    .doesNotStartWith("A ");
            }
        });
        assertThat(properties.get("vsync.port").get("defaultValue").asInt()).isEqualTo(7800);
        assertThat(properties.get("vsync.failure-detection.heartbeat-interval").get("defaultValue").asString())
            .isEqualTo("100ms");
        assertThat(properties.get("vsync.failure-detection.timeout").get("defaultValue").asString()).isEqualTo("1s");
        assertThat(properties.get("vsync.max-message-size").get("defaultValue").asString()).isEqualTo("16MB");
        assertThat(properties.get("vsync.send-window").get("defaultValue").asString()).isEqualTo("2MB");
        assertThat(properties.get("vsync.payload-format").get("defaultValue").asString()).isEqualTo("cbor");
        assertThat(properties.get("vsync.lifecycle.phase").get("defaultValue").asInt())
            .isEqualTo(VsyncProperties.DEFAULT_PHASE);
        assertThat(properties.get("vsync.handler.error-policy").get("defaultValue").asString())
            .isEqualTo("log-and-continue");
        assertThat(properties.get("vsync.health.view-change-limit").get("defaultValue").asString()).isEqualTo("10s");
        assertThat(properties.get("management.health.vsync.enabled").get("defaultValue").asBoolean()).isTrue();
        assertThat(properties.get("vsync.groups").get("type").asString())
            .startsWith("java.util.Map<java.lang.String,io.vsync.spring.boot.autoconfigure.VsyncProperties$GroupOptions>");
    }

    @Test
    void autoConfigurationMetadataIsGenerated() throws Exception {
        assertThat(AUTOCONFIGURE_METADATA).exists();
        assertThat(Files.readString(AUTOCONFIGURE_METADATA))
            .contains("io.vsync.spring.boot.autoconfigure.VsyncAutoConfiguration.ConditionalOnClass=io.vsync.api.VsyncEngine")
            .contains("io.vsync.spring.boot.autoconfigure.metrics.VsyncMetricsAutoConfiguration.ConditionalOnClass=");
    }

}
