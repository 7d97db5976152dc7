package io.vsync.spring.boot.autoconfigure;

import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.cbor.CBORMapper;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import io.vsync.api.DeliveryInfo;
import io.vsync.api.Group;
import io.vsync.api.GroupStatus;
import io.vsync.api.MetricsListener;
import io.vsync.api.PayloadCodec;
import io.vsync.api.View;
import io.vsync.api.VsyncEngine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VsyncAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(VsyncAutoConfiguration.class))
        .withUserConfiguration(FakeEngineConfiguration.class);

    @Test
    void isListedInAutoConfigurationImports() {
        List<String> candidates = ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader())
            .getCandidates();
        assertThat(candidates).contains(VsyncAutoConfiguration.class.getName(),
                "io.vsync.spring.boot.autoconfigure.actuate.VsyncHealthContributorAutoConfiguration",
                "io.vsync.spring.boot.autoconfigure.actuate.VsyncEndpointAutoConfiguration",
                "io.vsync.spring.boot.autoconfigure.metrics.VsyncMetricsAutoConfiguration");
    }

    @Test
    void backsOffWhenTheApplicationDefinesAnEngine() {
        this.runner.run(context -> {
            assertThat(context).hasSingleBean(VsyncEngine.class);
            assertThat(context.getBean(VsyncEngine.class)).isSameAs(context.getBean(FakeVsyncEngine.class));
            assertThat(context).hasSingleBean(VsyncLifecycle.class);
            assertThat(context).hasSingleBean(VsyncHandlerRegistry.class);
            assertThat(context).hasSingleBean(VsyncEngineConfigurer.class);
            assertThat(context).hasSingleBean(PayloadCodec.class);
            assertThat(context).hasBean(VsyncAnnotationBeanPostProcessor.BEAN_NAME);
            assertThat(context.getBean(FakeVsyncEngine.class).isRunning()).isTrue();
        });
    }

    @Test
    void backsOffForEachUserBean() {
        this.runner.withBean(VsyncLifecycle.class, () -> new VsyncLifecycle(new FakeVsyncEngine(), new VsyncProperties()))
            .withBean("myCodec", PayloadCodec.class, () -> new JacksonPayloadCodec(JsonMapper.builder().build()))
            .run(context -> {
                assertThat(context).hasSingleBean(VsyncLifecycle.class);
                assertThat(context).hasSingleBean(PayloadCodec.class).hasBean("myCodec");
            });
    }

    @Test
    void theClusterSecretReachesTheEngineBuilder() {
        this.runner.withPropertyValues("vsync.security.cluster-secret=0123456789abcdef0123456789abcdef-shared")
            .run(context -> {
                RecordingBuilder builder = new RecordingBuilder();
                context.getBean(VsyncEngineConfigurer.class).configure(builder);
                assertThat(builder.clusterSecret).isEqualTo("0123456789abcdef0123456789abcdef-shared");
                assertThat(context.getBean(VsyncProperties.class).getSecurity().toString())
                    .doesNotContain("0123456789abcdef");
            });
    }

    @Test
    void aGroupsSafeLogReachesTheEngineBuilder() {
        this.runner.withPropertyValues("vsync.groups.journal.safe-log.directory=/var/lib/app/vsync",
                "vsync.groups.journal.safe-log.fsync=interval", "vsync.groups.journal.safe-log.fsync-interval=20ms",
                "vsync.groups.journal.safe-log.checkpoint-every=5000", "vsync.groups.other.join-on-startup=true")
            .run(context -> {
                RecordingBuilder builder = new RecordingBuilder();
                context.getBean(VsyncEngineConfigurer.class).configure(builder);
                assertThat(builder.safeLogs).containsOnlyKeys("journal");
                io.vsync.durability.SafeLogConfig log = builder.safeLogs.get("journal");
                assertThat(log.directory()).isEqualTo(java.nio.file.Path.of("/var/lib/app/vsync"));
                assertThat(log.fsync()).isEqualTo(io.vsync.durability.FsyncPolicy.interval(Duration.ofMillis(20)));
                assertThat(log.checkpointEveryRecords()).isEqualTo(5000);
            });
    }

    @Test
    void aSecretAndASecretFileTogetherFailStartupNamingBoth() {
        this.runner
            .withPropertyValues("vsync.security.cluster-secret=0123456789abcdef0123456789abcdef-shared",
                    "vsync.security.cluster-secret-file=/etc/vsync/secret")
            .run(context -> {
                assertThat(context).hasFailed();
                assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("vsync.security.cluster-secret and vsync.security.cluster-secret-file are both set")
                    .hasMessageNotContaining("0123456789abcdef");
            });
    }

    @Test
    void aTooShortSecretFailsNamingThePropertyWithoutRevealingIt() {
        this.runner.withPropertyValues("vsync.security.cluster-secret=tiny-secret-value").run(context -> {
            VsyncEngine.Builder real = VsyncEngine.builder();
            assertThatThrownBy(() -> context.getBean(VsyncEngineConfigurer.class).configure(real))
                .isInstanceOf(VsyncStartupException.class)
                .hasMessageContaining("vsync.security.cluster-secret")
                .hasMessageNotContaining("tiny-secret-value");
        });
    }

    @Test
    void configurerAppliesEveryProperty() {
        this.runner
            .withPropertyValues("vsync.node-name=node-a", "vsync.bind-address=10.1.2.3", "vsync.port=7900",
                    "vsync.seeds=10.1.2.4:7900, [::1]:7901", "vsync.failure-detection.heartbeat-interval=50ms",
                    "vsync.failure-detection.timeout=2s", "vsync.max-message-size=1MB", "vsync.send-window=4MB",
                    "vsync.advertise-address=203.0.113.7")
            .run(context -> {
                RecordingBuilder builder = new RecordingBuilder();
                context.getBean(VsyncEngineConfigurer.class).configure(builder);
                assertThat(builder.nodeName).isEqualTo("node-a");
                assertThat(builder.host).isEqualTo("10.1.2.3");
                assertThat(builder.port).isEqualTo(7900);
                assertThat(builder.seeds).containsExactly("10.1.2.4:7900", "[::1]:7901");
                assertThat(builder.heartbeatInterval).isEqualTo(Duration.ofMillis(50));
                assertThat(builder.failureTimeout).isEqualTo(Duration.ofSeconds(2));
                assertThat(builder.maxMessageSize).isEqualTo(1024 * 1024);
                assertThat(builder.sendWindow).isEqualTo(4L * 1024 * 1024);
                assertThat(builder.codec).isSameAs(context.getBean(PayloadCodec.class));
                assertThat(builder.advertiseAddress).isEqualTo("203.0.113.7");
                assertThat(builder.metricsListener).isNull();
            });
    }

    @Test
    void metricsListenerBeansReachTheEngineAsOne() {
        List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        this.runner.withBean("first", MetricsListener.class, () -> new MetricsListener() {
            @Override
            public void flushed(String group, long nanos) {
                calls.add("first " + group + " " + nanos);
                throw new IllegalStateException("a broken listener does not stop the others");
            }
        }).withBean("second", MetricsListener.class, () -> new MetricsListener() {
            @Override
            public void flushed(String group, long nanos) {
                calls.add("second " + group + " " + nanos);
            }
        }).run(context -> {
            RecordingBuilder builder = new RecordingBuilder();
            context.getBean(VsyncEngineConfigurer.class).configure(builder);
            builder.metricsListener.flushed("accounts", 5);
            builder.metricsListener.flushed("accounts", 6);
            assertThat(calls).containsExactly("first accounts 5", "second accounts 5", "first accounts 6",
                    "second accounts 6");
        });
    }

    @Test
    void configurerDefaults() {
        this.runner.run(context -> {
            RecordingBuilder builder = new RecordingBuilder();
            context.getBean(VsyncEngineConfigurer.class).configure(builder);
            assertThat(builder.advertiseAddress).isNull();
            assertThat(builder.nodeName).endsWith(":7800").hasSizeGreaterThan(":7800".length());
            assertThat(builder.host).isEqualTo("0.0.0.0");
            assertThat(builder.port).isEqualTo(7800);
            assertThat(builder.seeds).isEmpty();
            assertThat(builder.heartbeatInterval).isEqualTo(Duration.ofMillis(100));
            assertThat(builder.failureTimeout).isEqualTo(Duration.ofSeconds(1));
            assertThat(builder.maxMessageSize).isEqualTo(16 * 1024 * 1024);
            assertThat(builder.sendWindow).isEqualTo(2L * 1024 * 1024);
            VsyncProperties properties = context.getBean(VsyncProperties.class);
            assertThat(properties.getPayloadFormat()).isEqualTo(VsyncProperties.PayloadFormat.CBOR);
            assertThat(properties.getHandler().getErrorPolicy()).isEqualTo(VsyncProperties.ErrorPolicy.LOG_AND_CONTINUE);
            assertThat(properties.getHandler().getMaxAttempts()).isEqualTo(1);
            assertThat(properties.getHealth().getViewChangeLimit()).isEqualTo(Duration.ofSeconds(10));
            assertThat(properties.getLifecycle().getJoinTimeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(properties.getLifecycle().getShutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
        });
    }

    @Test
    void seedDnsAddsEveryIpv4RecordWithThePort() throws Exception {
        VsyncProperties properties = new VsyncProperties();
        properties.setSeeds(List.of("seed-0:7800"));
        properties.setSeedDns("vsync.default.svc");
        properties.setPort(7811);
        InetAddress[] records = { InetAddress.getByName("10.0.0.5"), InetAddress.getByName("10.0.0.6"),
                InetAddress.getByName("::1") };
        VsyncEngineConfigurer configurer = new VsyncEngineConfigurer(properties,
                new JacksonPayloadCodec(JsonMapper.builder().build()), List.of(), List.of(), name -> {
                    assertThat(name).isEqualTo("vsync.default.svc");
                    return records;
                });
        assertThat(configurer.seeds()).containsExactly("seed-0:7800", "10.0.0.5:7811", "10.0.0.6:7811");
    }

    @Test
    void unresolvableSeedDnsFailsWithThePropertyNamed() {
        VsyncProperties properties = new VsyncProperties();
        properties.setSeedDns("nowhere.invalid");
        VsyncEngineConfigurer configurer = new VsyncEngineConfigurer(properties,
                new JacksonPayloadCodec(JsonMapper.builder().build()), List.of(), List.of(), name -> {
                    throw new UnknownHostException(name);
                });
        org.assertj.core.api.Assertions.assertThatExceptionOfType(VsyncStartupException.class)
            .isThrownBy(configurer::seeds)
            .withMessageContaining("vsync.seed-dns 'nowhere.invalid'");
    }

    @Test
    void customizersRunInOrderAfterTheProperties() {
        this.runner.withPropertyValues("vsync.node-name=from-properties")
            .withUserConfiguration(CustomizerConfiguration.class)
            .run(context -> {
                RecordingBuilder builder = new RecordingBuilder();
                context.getBean(VsyncEngineConfigurer.class).configure(builder);
                assertThat(builder.nodeName).isEqualTo("from-properties-first-second");
            });
    }

    @Test
    void cborCodecUsesTheApplicationsCborMapper() {
        this.runner.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class)).run(context -> {
            JacksonPayloadCodec codec = context.getBean(JacksonPayloadCodec.class);
            assertThat(codec.getMapper()).isSameAs(context.getBean(CBORMapper.class));
        });
    }

    @Test
    void jsonCodecUsesTheApplicationsJsonMapper() {
        this.runner.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
            .withPropertyValues("vsync.payload-format=json")
            .run(context -> {
                JacksonPayloadCodec codec = context.getBean(JacksonPayloadCodec.class);
                assertThat(codec.getMapper()).isSameAs(context.getBean(JsonMapper.class));
            });
    }

    @Test
    void cborCodecWithoutCborMapperBeanReusesTheJsonMappersModules() {
        this.runner.withBean(JsonMapper.class, () -> JsonMapper.builder().addModule(JacksonPayloadCodecTests.upperCaseModule()).build())
            .run(context -> {
                JacksonPayloadCodec codec = context.getBean(JacksonPayloadCodec.class);
                assertThat(codec.getMapper()).isInstanceOf(CBORMapper.class);
                assertThat(codec.getMapper().registeredModules()).extracting(m -> m.getRegistrationId())
                    .contains(JacksonPayloadCodecTests.upperCaseModule().getRegistrationId());
            });
    }

    @Test
    void codecWorksWithoutAnyJacksonBean() {
        this.runner.run(context -> {
            JacksonPayloadCodec codec = context.getBean(JacksonPayloadCodec.class);
            byte[] bytes = codec.encode(new Payloads.Deposit("alice", 10));
            assertThat(codec.decode(bytes, name -> Payloads.Deposit.class)).isEqualTo(new Payloads.Deposit("alice", 10));
        });
    }

    @Test
    void eachConfiguredGroupIsABeanNamedAfterIt() {
        this.runner
            .withPropertyValues("vsync.groups.accounts.join-on-startup=true",
                    "vsync.groups.audit-log.join-on-startup=false")
            .withUserConfiguration(GroupInjection.class)
            .run(context -> {
                FakeVsyncEngine engine = context.getBean(FakeVsyncEngine.class);
                assertThat(context).getBeans(Group.class).containsOnlyKeys("accounts", "audit-log");
                assertThat(context.getBean("accounts", Group.class)).isSameAs(engine.group("accounts"));
                GroupInjection injection = context.getBean(GroupInjection.class);
                assertThat(injection.accounts.name()).isEqualTo("accounts");
                assertThat(injection.auditLog.name()).isEqualTo("audit-log");
                assertThat(engine.group("accounts").status()).isEqualTo(GroupStatus.MEMBER);
                assertThat(engine.group("audit-log").status()).isEqualTo(GroupStatus.IDLE);
            });
    }

    @Test
    void aGroupNeedsNoOptions() {
        this.runner.withPropertyValues("vsync.groups.accounts=").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasBean("accounts");
            assertThat(context.getBean(FakeVsyncEngine.class).group("accounts").status()).isEqualTo(GroupStatus.MEMBER);
        });
    }

    @Test
    void groupNamedLikeAnotherBeanFails() {
        this.runner.withPropertyValues("vsync.groups.vsyncEngine.join-on-startup=true").run(context -> {
            assertThat(context).hasFailed();
            assertThat(Failures.root(context.getStartupFailure()))
                .hasMessageContaining("vsync.groups")
                .hasMessageContaining("a bean named 'vsyncEngine' already exists");
        });
    }

    @Test
    void lifecycleStartsTheEngineThenJoinsAfterHandlersAreRegistered() {
        this.runner.withPropertyValues("vsync.groups.accounts.join-on-startup=true")
            .withUserConfiguration(AccountsHandler.class)
            .run(context -> {
                FakeVsyncEngine engine = context.getBean(FakeVsyncEngine.class);
                assertThat(engine.events).containsExactly("handle:accounts:Deposit", "handleQuery:accounts:Deposit",
                        "onViewChange:accounts", "start", "join:accounts");
                assertThat(context.getBean(AccountsHandler.class).views).hasSize(1);
            });
    }

    @Test
    void shutdownLeavesGroupsThenClosesTheEngine() {
        FakeVsyncEngine[] engine = new FakeVsyncEngine[1];
        this.runner.withPropertyValues("vsync.groups.accounts.join-on-startup=true", "vsync.groups.audit.join-on-startup=true")
            .run(context -> engine[0] = context.getBean(FakeVsyncEngine.class));
        assertThat(engine[0].events).containsSubsequence("join:accounts", "leave:accounts", "close");
        assertThat(engine[0].events).containsSubsequence("join:audit", "leave:audit", "close");
        assertThat(engine[0].group("accounts").status()).isEqualTo(GroupStatus.LEFT);
        assertThat(engine[0].isRunning()).isFalse();
    }

    @Test
    void shutdownClosesTheEngineWhenLeavingTakesLongerThanTheShutdownTimeout() {
        FakeVsyncEngine[] engine = new FakeVsyncEngine[1];
        long started = System.nanoTime();
        this.runner.withPropertyValues("vsync.groups.accounts.join-on-startup=true",
                "vsync.lifecycle.shutdown-timeout=200ms")
            .run(context -> {
                engine[0] = context.getBean(FakeVsyncEngine.class);
                engine[0].group("accounts").leaveResult = new CompletableFuture<>();
            });
        assertThat(engine[0].events).containsSubsequence("leave:accounts", "close");
        assertThat(engine[0].isRunning()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void doesNothingWithoutTheEngine() {
        this.runner.withClassLoader(new FilteredClassLoader(VsyncEngine.class))
            .run(context -> assertThat(context).doesNotHaveBean(VsyncLifecycle.class)
                .doesNotHaveBean(VsyncEngineConfigurer.class)
                .doesNotHaveBean(VsyncProperties.class));
    }

    @Test
    void lifecyclePhaseIsConfigurable() {
        this.runner.run(context -> assertThat(context.getBean(VsyncLifecycle.class).getPhase())
            .isEqualTo(Integer.MAX_VALUE - 1536));
        this.runner.withPropertyValues("vsync.lifecycle.phase=42")
            .run(context -> assertThat(context.getBean(VsyncLifecycle.class).getPhase()).isEqualTo(42));
    }

    @Test
    void joinTimeoutFailsStartupNamingTheGroupAndProperty() {
        this.runner.withPropertyValues("vsync.groups.accounts.join-on-startup=true", "vsync.lifecycle.join-timeout=50ms")
            .withUserConfiguration(NeverJoins.class)
            .run(context -> {
                assertThat(context).hasFailed();
                assertThat(Failures.find(context.getStartupFailure(), VsyncStartupException.class))
                    .hasMessageContaining("group 'accounts'")
                    .hasMessageContaining("vsync.lifecycle.join-timeout");
            });
    }

    @Test
    void engineStartFailureIsAVsyncStartupException() {
        this.runner.withPropertyValues("vsync.port=7805")
            .withUserConfiguration(PortInUse.class)
            .run(context -> {
                assertThat(context).hasFailed();
                assertThat(Failures.find(context.getStartupFailure(), VsyncStartupException.class))
                    .hasMessageContaining("0.0.0.0:7805")
                    .hasRootCauseInstanceOf(BindException.class);
                VsyncStartupException failure = Failures.find(context.getStartupFailure(), VsyncStartupException.class);
                assertThat(failure.getPort()).isEqualTo(7805);
            });
    }

    @Configuration(proxyBeanMethods = false)
    static class CustomizerConfiguration {

        @Bean
        @Order(2)
        VsyncEngineCustomizer second() {
            return builder -> builder.nodeName(((RecordingBuilder) builder).nodeName + "-second");
        }

        @Bean
        @Order(1)
        VsyncEngineCustomizer first() {
            return builder -> builder.nodeName(((RecordingBuilder) builder).nodeName + "-first");
        }

    }

    @Component
    static class GroupInjection {

        final Group accounts;

        final Group auditLog;

        GroupInjection(@Qualifier("accounts") Group accounts, @Qualifier("audit-log") Group auditLog) {
            this.accounts = accounts;
            this.auditLog = auditLog;
        }

    }

    static class AccountsHandler {

        final List<View> views = new java.util.concurrent.CopyOnWriteArrayList<>();

        @io.vsync.spring.annotation.GroupHandler(group = "accounts")
        void on(Payloads.Deposit deposit, DeliveryInfo info) {
        }

        @io.vsync.spring.annotation.OnViewChange(group = "accounts")
        void view(View view) {
            this.views.add(view);
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class NeverJoins {

        NeverJoins(FakeVsyncEngine engine) {
            engine.group("accounts").joinResult = new CompletableFuture<>();
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class PortInUse {

        PortInUse(FakeVsyncEngine engine) {
            engine.startFailure = () -> new io.vsync.api.VsyncException("bind failed",
                    new BindException("Address already in use"));
        }

    }

}
