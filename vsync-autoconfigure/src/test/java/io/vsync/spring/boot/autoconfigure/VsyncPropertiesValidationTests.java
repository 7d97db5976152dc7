package io.vsync.spring.boot.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class VsyncPropertiesValidationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(VsyncAutoConfiguration.class))
        .withUserConfiguration(FakeEngineConfiguration.class);

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            vsync.seeds=10.0.0.1:7800,foo                     | vsync.seeds[1]: 'foo' is not host:port
            vsync.seeds=10.0.0.1:99999                        | vsync.seeds[0]: '10.0.0.1:99999' is not host:port: the port must be between 1 and 65535
            vsync.seeds=::1:7800                              | vsync.seeds[0]: '::1:7800' is not host:port: an IPv6 address goes in brackets
            vsync.port=70000                                  | vsync.port: '70000' must be between 0 and 65535
            vsync.port=-1                                     | vsync.port: '-1' must be between 0 and 65535
            vsync.failure-detection.timeout=100ms             | vsync.failure-detection.timeout: '100ms' must be longer than vsync.failure-detection.heartbeat-interval (100ms)
            vsync.failure-detection.heartbeat-interval=0s     | vsync.failure-detection.heartbeat-interval: '0ms' must be positive
            vsync.groups[bad name!].join-on-startup=true      | 'bad name!' is not a valid group name: allowed are letters, digits, '.', '_' and '-' ([A-Za-z0-9._-]+)
            vsync.send-window=32KB                            | vsync.send-window: '32KB' must be at least 64KB
            vsync.max-message-size=3GB                        | vsync.max-message-size: '3GB' must be between 1B and 2047MB
            vsync.handler.max-attempts=0                      | vsync.handler.max-attempts: '0' must be at least 1
            vsync.groups.accounts.max-attempts=0              | vsync.groups.accounts.max-attempts: '0' must be at least 1
            vsync.lifecycle.join-timeout=0s                   | vsync.lifecycle.join-timeout: '0ms' must be positive
            vsync.health.view-change-limit=-1s                | vsync.health.view-change-limit: '-1000ms' must be positive
            vsync.seed-dns=vsync.svc:7800                     | vsync.seed-dns: 'vsync.svc:7800' must be a DNS name without port
            vsync.advertise-address=10.0.0.5:7800             | vsync.advertise-address: '10.0.0.5:7800' must be a host or IP address without port: the port is vsync.port
            vsync.advertise-address=[::1]                     | vsync.advertise-address: '[::1]' must be written without brackets
            "vsync.advertise-address=a b"                     | vsync.advertise-address: 'a b' must be a host name or IP address without spaces
            """)
    void invalidValueFailsStartupNamingTheProperty(String property, String message) {
        this.runner.withPropertyValues(property).run(context -> {
            assertThat(context).hasFailed();
            assertThat(Failures.root(context.getStartupFailure()))
                .isInstanceOf(BindValidationException.class)
                .hasMessageContaining(message);
        });
    }

    @Test
    void aSafeLogWithABadCheckpointIntervalFailsStartupNamingTheProperty() {
        this.runner.withPropertyValues("vsync.groups.journal.safe-log.directory=/tmp/vsync-log",
                "vsync.groups.journal.safe-log.checkpoint-every=0").run(context -> {
            assertThat(context).hasFailed();
            assertThat(Failures.root(context.getStartupFailure()))
                .hasMessageContaining("vsync.groups.journal.safe-log.checkpoint-every: '0' must be at least 1");
        });
    }

    @Test
    void aSafeLogWithANonPositiveFsyncIntervalFailsStartupNamingTheProperty() {
        this.runner.withPropertyValues("vsync.groups.journal.safe-log.directory=/tmp/vsync-log",
                "vsync.groups.journal.safe-log.fsync=interval", "vsync.groups.journal.safe-log.fsync-interval=0s")
            .run(context -> {
                assertThat(context).hasFailed();
                assertThat(Failures.root(context.getStartupFailure()))
                    .hasMessageContaining("vsync.groups.journal.safe-log.fsync-interval: '0ms' must be positive");
            });
    }

    @Test
    void anUnknownFsyncPolicyFailsStartupNamingTheProperty() {
        this.runner.withPropertyValues("vsync.groups.journal.safe-log.directory=/tmp/vsync-log",
                "vsync.groups.journal.safe-log.fsync=sometimes").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("vsync.groups.journal.safe-log.fsync");
        });
    }

    @Test
    void seedDnsNeedsAFixedPort() {
        this.runner.withPropertyValues("vsync.seed-dns=vsync.default.svc", "vsync.port=0").run(context -> {
            assertThat(context).hasFailed();
            assertThat(Failures.root(context.getStartupFailure()))
                .hasMessageContaining("vsync.seed-dns: 'vsync.default.svc' needs a fixed vsync.port");
        });
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        this.runner.withPropertyValues("vsync.seeds=foo", "vsync.port=70000").run(context -> {
            assertThat(Failures.root(context.getStartupFailure()))
                .hasMessageContaining("vsync.seeds[0]")
                .hasMessageContaining("vsync.port");
        });
    }

    @Test
    void bootsFailureAnalysisShowsTheReason() throws Exception {
        this.runner.withPropertyValues("vsync.seeds=10.0.0.1:7800,foo").run(context -> {
            Class<?> type = Class.forName("org.springframework.boot.diagnostics.analyzer.BindValidationFailureAnalyzer");
            var constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            FailureAnalysis analysis = ((FailureAnalyzer) constructor.newInstance()).analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("vsync.seeds[1]: 'foo' is not host:port");
        });
    }

    @Test
    void validValuesStart() {
        this.runner
            .withPropertyValues("vsync.seeds=10.0.0.1:7800,[fe80::1]:7801,seed-2.example.com:7802", "vsync.port=0",
                    "vsync.failure-detection.timeout=150ms", "vsync.groups.accounts_v2.join-on-startup=true",
                    "vsync.groups[orders.eu-1].join-on-startup=false", "vsync.handler.error-policy=fail-stop",
                    "vsync.payload-format=json", "vsync.advertise-address=fe80::1")
            .run(context -> assertThat(context).hasNotFailed());
    }

}
