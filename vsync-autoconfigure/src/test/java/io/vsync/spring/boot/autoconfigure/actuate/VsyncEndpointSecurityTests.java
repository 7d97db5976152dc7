package io.vsync.spring.boot.autoconfigure.actuate;

import java.util.concurrent.CopyOnWriteArrayList;
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
import io.vsync.api.VsyncEngine;
import io.vsync.runtime.NioVsyncEngine;
import io.vsync.security.SecurityConfig;

import static org.assertj.core.api.Assertions.assertThat;

/** The endpoint of a real engine with a cluster secret: security shows, the secret never does. */
class VsyncEndpointSecurityTests {

    private static final String SECRET = "endpoint-test-secret-0123456789-abcdefghijklmnop";

    private static VsyncEngine secured(String name, int port, List<String> seeds) {
        VsyncEngine engine = NioVsyncEngine.builder().nodeName(name).bind("127.0.0.1", port).seeds(seeds)
            .security(SecurityConfig.clusterSecret(SECRET)).build();
        engine.start();
        return engine;
    }

    @Test
    void aSecuredEnginesEndpointShowsSharedSecretModeAndKeyEpochButNoSecret() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
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
        int port = 28700 + 2 * (int) (ProcessHandle.current().pid() % 45);
        List<String> seeds = List.of("127.0.0.1:" + port, "127.0.0.1:" + (port + 1));
        try (VsyncEngine engine = secured("a", port, seeds); VsyncEngine other = secured("b", port + 1, seeds)) {
            Group group = engine.group("accounts");
            Group peer = other.group("accounts");
            group.joinAsync();
            peer.joinAsync().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((group.view() == null || group.view().size() < 2
                    || !engine.securityStatus().keyEpochs().containsKey("accounts")) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            SecurityStatus status = engine.securityStatus();
            assertThat(status.mode()).isEqualTo(SecurityStatus.Mode.SHARED_SECRET);
            assertThat(status.handshakesCompleted()).isPositive();
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
