package io.vsync.spring.boot.autoconfigure.actuate;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.vsync.api.MemberId;
import io.vsync.api.SecurityStatus;
import io.vsync.api.View;
import io.vsync.spring.boot.autoconfigure.FakeEngineConfiguration;
import io.vsync.spring.boot.autoconfigure.FakeGroup;
import io.vsync.spring.boot.autoconfigure.FakeVsyncEngine;
import io.vsync.spring.boot.autoconfigure.VsyncAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

class VsyncEndpointTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(VsyncAutoConfiguration.class, VsyncEndpointAutoConfiguration.class))
        .withUserConfiguration(FakeEngineConfiguration.class, FailingHandler.class)
        .withPropertyValues("vsync.groups.accounts.join-on-startup=true",
                "vsync.groups.audit.join-on-startup=false", "vsync.handler.retry-backoff=0ms");

    @Test
    void endpointIsAvailableWhenExposed() {
        this.runner.withPropertyValues("management.endpoints.web.exposure.include=vsync")
            .run(context -> assertThat(context).hasSingleBean(VsyncEndpoint.class));
    }

    @Test
    void endpointIsNotAvailableWhenNotExposed() {
        this.runner.run(context -> assertThat(context).doesNotHaveBean(VsyncEndpoint.class));
    }

    @Test
    void endpointIsNotAvailableWhenAccessIsNone() {
        this.runner
            .withPropertyValues("management.endpoints.web.exposure.include=vsync", "management.endpoint.vsync.access=NONE")
            .run(context -> assertThat(context).doesNotHaveBean(VsyncEndpoint.class));
    }

    @Test
    void endpointBacksOffWithoutActuator() {
        this.runner.withPropertyValues("management.endpoints.web.exposure.include=vsync")
            .withClassLoader(new FilteredClassLoader(Endpoint.class))
            .run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(context).doesNotHaveBean(VsyncEndpoint.class);
            });
    }

    @Test
    void endpointBacksOffForAUserEndpoint() {
        this.runner.withPropertyValues("management.endpoints.web.exposure.include=vsync")
            .withBean("myVsyncEndpoint", VsyncEndpoint.class, () -> new VsyncEndpoint(new FakeVsyncEngine(), null))
            .run(context -> assertThat(context).hasSingleBean(VsyncEndpoint.class).hasBean("myVsyncEndpoint"));
    }

    @Test
    void jsonShowsEngineGroupsViewsAndCounters() {
        this.runner.withPropertyValues("management.endpoints.web.exposure.include=vsync").run(context -> {
            FakeVsyncEngine engine = context.getBean(FakeVsyncEngine.class);
            FakeGroup accounts = engine.group("accounts");
            MemberId a = new MemberId("10.0.0.1:7800", 4);
            MemberId self = accounts.self();
            MemberId c = new MemberId("10.0.0.3:7800", 2);
            accounts.installView(new View("accounts", 5, List.of(a, self, c), List.of(c), List.of(),
                    List.of(new MemberId("10.0.0.9:7800", 1))));
            accounts.deliver(new FailingHandler.Ping("x"));

            JsonMapper json = JsonMapper.builder().build();
            JsonNode root = json.readTree(json.writeValueAsString(context.getBean(VsyncEndpoint.class).vsync()));

            JsonNode engineNode = root.get("engine");
            assertThat(engineNode.get("nodeName").asString()).isEqualTo("fake-node");
            assertThat(engineNode.get("address").asString()).isEqualTo("127.0.0.1:7800");
            assertThat(engineNode.get("running").asBoolean()).isTrue();
            assertThat(engineNode.get("stats").get("droppedFrames").asLong()).isEqualTo(3);
            assertThat(engineNode.get("stats").get("connections").asLong()).isEqualTo(2);

            assertThat(root.get("groups").propertyNames()).containsExactly("accounts", "audit");
            JsonNode group = root.get("groups").get("accounts");
            assertThat(group.get("name").asString()).isEqualTo("accounts");
            assertThat(group.get("status").asString()).isEqualTo("MEMBER");
            assertThat(group.get("statusSince").asString()).isEqualTo(accounts.statusSince.toString());
            assertThat(group.get("configured").asBoolean()).isTrue();
            assertThat(group.get("self").asString()).isEqualTo("127.0.0.1:7800#1");
            JsonNode view = group.get("view");
            assertThat(view.get("id").asLong()).isEqualTo(5);
            assertThat(view.get("leader").asString()).isEqualTo("10.0.0.1:7800#4");
            assertThat(view.get("members")).hasSize(3);
            JsonNode second = view.get("members").get(1);
            assertThat(second.get("id").asString()).isEqualTo("127.0.0.1:7800#1");
            assertThat(second.get("address").asString()).isEqualTo("127.0.0.1:7800");
            assertThat(second.get("incarnation").asLong()).isEqualTo(1);
            assertThat(second.get("rank").asInt()).isEqualTo(1);
            assertThat(second.get("self").asBoolean()).isTrue();
            assertThat(view.get("members").get(0).get("self").asBoolean()).isFalse();
            assertThat(view.get("joined").get(0).asString()).isEqualTo("10.0.0.3:7800#2");
            assertThat(view.get("failed").get(0).asString()).isEqualTo("10.0.0.9:7800#1");
            JsonNode stats = group.get("stats");
            assertThat(stats.get("sent").asLong()).isEqualTo(5);
            assertThat(stats.get("delivered").asLong()).isEqualTo(7);
            assertThat(stats.get("unstable").asLong()).isEqualTo(1);
            assertThat(stats.has("pendingSends")).isTrue();
            JsonNode handlers = group.get("handlers");
            assertThat(handlers.get("payloadTypes").get(0).asString()).isEqualTo(FailingHandler.Ping.class.getName());
            assertThat(handlers.get("errors").asLong()).isEqualTo(1);
            assertThat(handlers.get("failStopReason").isNull()).isTrue();

            JsonNode audit = root.get("groups").get("audit");
            assertThat(audit.get("status").asString()).isEqualTo("IDLE");
            assertThat(audit.get("view").isNull()).isTrue();
            assertThat(audit.get("self").isNull()).isTrue();
        });
    }

    @Test
    void jsonShowsSecurityModeRejectionsByReasonHandshakesAndKeyEpochs() {
        this.runner.withPropertyValues("management.endpoints.web.exposure.include=vsync").run(context -> {
            FakeVsyncEngine engine = context.getBean(FakeVsyncEngine.class);
            JsonMapper json = JsonMapper.builder().build();
            JsonNode off = json.readTree(json.writeValueAsString(context.getBean(VsyncEndpoint.class).vsync()));
            assertThat(off.get("engine").get("security").get("mode").asString()).isEqualTo("off");

            engine.security = new SecurityStatus(SecurityStatus.Mode.SHARED_SECRET, 4, 1, 2, 11, 12, 13, 14, 15, 3, 5,
                    6, Map.of("accounts", 117684981525708801L), SecurityStatus.Tls.NONE);
            JsonNode security = json.readTree(json.writeValueAsString(context.getBean(VsyncEndpoint.class).vsync()))
                .get("engine").get("security");
            assertThat(security.get("mode").asString()).isEqualTo("shared-secret");
            JsonNode rejected = security.get("framesRejected");
            assertThat(rejected.get("authentication-failed").asLong()).isEqualTo(11);
            assertThat(rejected.get("replay").asLong()).isEqualTo(12);
            assertThat(rejected.get("wrong-view-key").asLong()).isEqualTo(13);
            assertThat(rejected.get("malformed").asLong()).isEqualTo(14);
            assertThat(security.get("handshakes").get("completed").asLong()).isEqualTo(4);
            assertThat(security.get("handshakes").get("refused").asLong()).isEqualTo(1);
            assertThat(security.get("handshakes").get("refused-by-peer").asLong()).isEqualTo(2);
            assertThat(security.get("viewKeys").get("created").asLong()).isEqualTo(3);
            assertThat(security.get("viewKeys").get("requests-refused").asLong()).isEqualTo(6);
            assertThat(security.get("droppedWaiting").asLong()).isEqualTo(15);
            assertThat(security.get("keyEpochs").get("accounts").asLong()).isEqualTo(117684981525708801L);
            assertThat(security.get("tls").isEmpty()).as("no TLS counters without TLS").isTrue();

            engine.security = engine.security.withTls(new SecurityStatus.Tls(7, 8, 9, 10));
            assertThat(json.readTree(json.writeValueAsString(context.getBean(VsyncEndpoint.class).vsync()))
                .get("engine").get("security").get("tls").isEmpty()).as("shared secret: no TLS section").isTrue();
            engine.security = new SecurityStatus(SecurityStatus.Mode.TLS, 4, 1, 2, 11, 12, 13, 14, 15, 3, 5, 6,
                    Map.of(), new SecurityStatus.Tls(7, 8, 9, 10));
            JsonNode tls = json.readTree(json.writeValueAsString(context.getBean(VsyncEndpoint.class).vsync()))
                .get("engine").get("security").get("tls");
            assertThat(tls.get("completed").asLong()).isEqualTo(7);
            assertThat(tls.get("failed").asLong()).isEqualTo(8);
            assertThat(tls.get("identity-refused").asLong()).isEqualTo(9);
            assertThat(tls.get("plain-refused").asLong()).isEqualTo(10);
        });
    }

    @Test
    void selectorShowsOneGroupAndNeverCreatesOne() {
        this.runner.withPropertyValues("management.endpoints.web.exposure.include=vsync").run(context -> {
            VsyncEndpoint endpoint = context.getBean(VsyncEndpoint.class);
            assertThat(endpoint.group("accounts")).isNotNull();
            assertThat(endpoint.group("accounts").view().id()).isEqualTo(1);
            assertThat(endpoint.group("unknown")).isNull();
            assertThat(context.getBean(FakeVsyncEngine.class).groups()).extracting(g -> g.name())
                .doesNotContain("unknown");
        });
    }

}
