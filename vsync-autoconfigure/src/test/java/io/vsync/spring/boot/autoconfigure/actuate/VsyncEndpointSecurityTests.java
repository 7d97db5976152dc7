package io.vsync.spring.boot.autoconfigure.actuate;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import io.vsync.api.Group;
import io.vsync.api.SecurityStatus;
import io.vsync.runtime.NioVsyncEngine;
import io.vsync.security.SecurityConfig;

import static org.assertj.core.api.Assertions.assertThat;

/** The endpoint of a real engine with a cluster secret: security shows, the secret never does. */
class VsyncEndpointSecurityTests {

    private static final String SECRET = "endpoint-test-secret-0123456789-abcdefghijklmnop";

    @Test
    void aSecuredEnginesEndpointShowsSharedSecretModeAndKeyEpochButNoSecret() throws Exception {
        List<String> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(String.valueOf(record.getMessage()) + " " + java.util.Arrays.toString(record.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        int port = 28700 + (int) (ProcessHandle.current().pid() % 90);
        String address = "127.0.0.1:" + port;
        try (NioVsyncEngine engine = NioVsyncEngine.builder().nodeName("secured").bind("127.0.0.1", port).seeds(address)
            .security(SecurityConfig.clusterSecret(SECRET)).build()) {
            engine.start();
            Group group = engine.group("accounts");
            group.joinAsync().get(30, TimeUnit.SECONDS);
            SecurityStatus status = engine.securityStatus();
            assertThat(status.mode()).isEqualTo(SecurityStatus.Mode.SHARED_SECRET);
            assertThat(status.keyEpochs()).containsEntry("accounts", group.view().id());

            String body = JsonMapper.builder().build().writeValueAsString(new VsyncEndpoint(engine, null).vsync());
            assertThat(body).contains("\"mode\":\"shared-secret\"").contains("\"keyEpochs\":{\"accounts\":");
            byte[] raw = SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            for (String form : List.of(SECRET, SECRET.substring(10, 30), HexFormat.of().formatHex(raw),
                    Base64.getEncoder().encodeToString(raw))) {
                assertThat(body).doesNotContain(form);
                assertThat(logged).noneMatch(l -> l.contains(form));
            }
        }
        finally {
            root.removeHandler(capture);
        }
        assertThat(logged).as("the engine's log lines were captured").isNotEmpty();
    }

}
