package io.vsync.spring.boot.autoconfigure.metrics;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.vsync.api.DeliveryKind;
import io.vsync.api.GroupStats;
import io.vsync.api.MetricsListener;
import io.vsync.spring.boot.autoconfigure.FakeEngineConfiguration;
import io.vsync.spring.boot.autoconfigure.FakeGroup;
import io.vsync.spring.boot.autoconfigure.FakeVsyncEngine;
import io.vsync.spring.boot.autoconfigure.RecordingBuilder;
import io.vsync.spring.boot.autoconfigure.VsyncAutoConfiguration;
import io.vsync.spring.boot.autoconfigure.VsyncEngineConfigurer;
import io.vsync.spring.boot.autoconfigure.actuate.FailingHandler;

import static org.assertj.core.api.Assertions.assertThat;

class VsyncMetricsTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(VsyncAutoConfiguration.class, VsyncMetricsAutoConfiguration.class))
        .withUserConfiguration(FakeEngineConfiguration.class)
        .withPropertyValues("vsync.groups.accounts.join-on-startup=true", "vsync.groups.audit.join-on-startup=false",
                "vsync.handler.retry-backoff=0ms");

    @Test
    void metersOfTheEngineAndEveryGroup() {
        this.runner.withBean(SimpleMeterRegistry.class).withUserConfiguration(FailingHandler.class).run(context -> {
            assertThat(context).hasSingleBean(VsyncMetrics.class);
            FakeGroup accounts = context.getBean(FakeVsyncEngine.class).group("accounts");
            accounts.stats = new GroupStats(11, 12, 1100, 1200, 3, 4, 5, 1, 6,
                    java.util.Map.of(io.vsync.api.DeliveryKind.ORDERED, 8L, io.vsync.api.DeliveryKind.FIFO, 3L),
                    java.util.Map.of(io.vsync.api.DeliveryKind.ORDERED, 12L));
            accounts.deliver(new FailingHandler.Ping("x"));
            MeterRegistry meters = new SimpleMeterRegistry();
            context.getBean(VsyncMetrics.class).bindTo(meters);

            assertThat(meters.get("vsync.messages.sent").tag("group", "accounts").tag("kind", "ORDERED")
                .functionCounter().count()).isEqualTo(8);
            assertThat(meters.get("vsync.messages.sent").tag("group", "accounts").tag("kind", "FIFO")
                .functionCounter().count()).isEqualTo(3);
            assertThat(meters.get("vsync.messages.sent").tag("group", "accounts").functionCounters().stream()
                .mapToDouble(c -> c.count()).sum()).as("all kinds together").isEqualTo(11);
            assertThat(meters.get("vsync.messages.delivered").tag("group", "accounts").tag("kind", "ORDERED")
                .functionCounter().count()).isEqualTo(12);
            assertThat(meters.get("vsync.bytes.sent").tag("group", "accounts").functionCounter().count()).isEqualTo(1100);
            assertThat(meters.get("vsync.bytes.sent").tag("group", "accounts").functionCounter().getId().getBaseUnit())
                .isEqualTo("bytes");
            assertThat(meters.get("vsync.bytes.delivered").tag("group", "accounts").functionCounter().count())
                .isEqualTo(1200);
            assertThat(meters.get("vsync.view.changes").tag("group", "accounts").functionCounter().count()).isEqualTo(3);
            assertThat(meters.get("vsync.messages.unstable").tag("group", "accounts").gauge().value()).isEqualTo(4);
            assertThat(meters.get("vsync.sends.pending").tag("group", "accounts").gauge().value()).isEqualTo(5);
            assertThat(meters.get("vsync.messages.undeliverable").tag("group", "accounts").functionCounter().count())
                .isEqualTo(6);
            // 1 counted by the engine + 1 failure of an annotated handler
            assertThat(meters.get("vsync.handler.errors").tag("group", "accounts").functionCounter().count())
                .isEqualTo(2);
            assertThat(meters.get("vsync.view.size").tag("group", "accounts").gauge().value()).isEqualTo(1);
            assertThat(meters.get("vsync.view.size").tag("group", "audit").gauge().value()).isZero();

            assertThat(meters.get("vsync.frames.dropped").functionCounter().count()).isEqualTo(3);
            assertThat(meters.get("vsync.frames.received").functionCounter().count()).isEqualTo(10);
            assertThat(meters.get("vsync.frames.sent").functionCounter().count()).isEqualTo(20);
            assertThat(meters.get("vsync.network.received").functionCounter().count()).isEqualTo(1000);
            assertThat(meters.get("vsync.network.sent").functionCounter().count()).isEqualTo(2000);
            assertThat(meters.get("vsync.connections").gauge().value()).isEqualTo(2);
        });
    }

    @Test
    void securityMetersShowModeRejectionsByReasonHandshakesAndKeyEpochs() {
        this.runner.withBean(SimpleMeterRegistry.class).run(context -> {
            FakeVsyncEngine engine = context.getBean(FakeVsyncEngine.class);
            engine.security = new io.vsync.api.SecurityStatus(io.vsync.api.SecurityStatus.Mode.SHARED_SECRET, 4, 1, 2,
                    11, 12, 13, 14, 15, 3, 5, 6, java.util.Map.of("accounts", 42L), io.vsync.api.SecurityStatus.Tls.NONE);
            MeterRegistry meters = new SimpleMeterRegistry();
            context.getBean(VsyncMetrics.class).bindTo(meters);
            assertThat(meters.get("vsync.security.enabled").tag("mode", "shared-secret").gauge().value()).isEqualTo(1);
            assertThat(meters.get("vsync.security.frames.rejected").tag("reason", "authentication-failed")
                .functionCounter().count()).isEqualTo(11);
            assertThat(meters.get("vsync.security.frames.rejected").tag("reason", "replay").functionCounter().count())
                .isEqualTo(12);
            assertThat(meters.get("vsync.security.frames.rejected").tag("reason", "wrong-view-key")
                .functionCounter().count()).isEqualTo(13);
            assertThat(meters.get("vsync.security.handshakes").tag("outcome", "completed").functionCounter().count())
                .isEqualTo(4);
            assertThat(meters.get("vsync.security.handshakes").tag("outcome", "refused").functionCounter().count())
                .isEqualTo(1);
            assertThat(meters.get("vsync.security.key.epoch").tag("group", "accounts").gauge().value()).isEqualTo(42);
            assertThat(meters.find("vsync.security.tls.handshakes").functionCounters()).as("no TLS meters").isEmpty();
            engine.security = io.vsync.api.SecurityStatus.off();
            assertThat(meters.get("vsync.security.enabled").gauge().value()).isZero();
            assertThat(meters.get("vsync.security.key.epoch").tag("group", "accounts").gauge().value()).isNaN();
        });
    }

    @Test
    void tlsModeHasTlsHandshakeMetersByOutcome() {
        this.runner.withBean(SimpleMeterRegistry.class).run(context -> {
            FakeVsyncEngine engine = context.getBean(FakeVsyncEngine.class);
            engine.security = new io.vsync.api.SecurityStatus(io.vsync.api.SecurityStatus.Mode.TLS, 4, 1, 2,
                    11, 12, 13, 14, 15, 3, 5, 6, java.util.Map.of(), new io.vsync.api.SecurityStatus.Tls(7, 8, 9, 10));
            MeterRegistry meters = new SimpleMeterRegistry();
            context.getBean(VsyncMetrics.class).bindTo(meters);
            assertThat(meters.get("vsync.security.enabled").tag("mode", "tls").gauge().value()).isEqualTo(1);
            assertThat(meters.get("vsync.security.tls.handshakes").tag("outcome", "completed").functionCounter()
                .count()).isEqualTo(7);
            assertThat(meters.get("vsync.security.tls.handshakes").tag("outcome", "failed").functionCounter()
                .count()).isEqualTo(8);
            assertThat(meters.get("vsync.security.tls.handshakes").tag("outcome", "identity-refused")
                .functionCounter().count()).isEqualTo(9);
            assertThat(meters.get("vsync.security.tls.handshakes").tag("outcome", "plain-refused")
                .functionCounter().count()).isEqualTo(10);
        });
    }

    @Test
    void metersAreBoundByBootsMetricsSupport() {
        this.runner
            .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
            .run(context -> {
                MeterRegistry meters = context.getBean(MeterRegistry.class);
                assertThat(meters.find("vsync.messages.sent").tag("group", "accounts").functionCounter()).isNotNull();
                assertThat(meters.find("vsync.view.size").tag("group", "accounts").gauge().value()).isEqualTo(1);
            });
    }

    @Test
    void timersOfTheEnginesTimingsAreBoundByBootAndReachTheEngine() {
        this.runner
            .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
            .run(context -> {
                VsyncTimers timers = context.getBean(VsyncTimers.class);
                // the engine's builder gets the timers as its metrics listener
                RecordingBuilder builder = new RecordingBuilder();
                context.getBean(VsyncEngineConfigurer.class).configure(builder);
                MetricsListener listener = builder.metricsListener;
                assertThat(listener).isNotNull();
                listener.delivered("accounts", DeliveryKind.ORDERED, 2_000_000);
                listener.delivered("accounts", DeliveryKind.ORDERED, 4_000_000);
                listener.delivered("accounts", DeliveryKind.FIFO, 1_000_000);
                listener.viewChanged("accounts", 7, 30_000_000);
                listener.flushed("audit", 5_000_000);

                MeterRegistry meters = context.getBean(MeterRegistry.class);
                Timer ordered = meters.get("vsync.delivery.latency").tags("group", "accounts", "kind", "ORDERED").timer();
                assertThat(ordered.count()).isEqualTo(2);
                assertThat(ordered.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(6);
                assertThat(meters.get("vsync.delivery.latency").tags("group", "accounts", "kind", "FIFO").timer().count())
                    .isEqualTo(1);
                assertThat(meters.find("vsync.delivery.latency").tags("kind", "SAFE").timer()).isNull();
                assertThat(meters.get("vsync.view.change.duration").tag("group", "accounts").timer()
                    .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(30);
                assertThat(meters.get("vsync.flush.duration").tag("group", "audit").timer().count()).isEqualTo(1);
                assertThat(timers).isNotNull();
            });
    }

    @Test
    void timingsBeforeBindingAreNotRecorded() {
        VsyncTimers timers = new VsyncTimers();
        timers.flushed("accounts", 1_000);
        MeterRegistry meters = new SimpleMeterRegistry();
        timers.bindTo(meters);
        assertThat(meters.find("vsync.flush.duration").timer()).isNull();
        timers.flushed("accounts", 1_000);
        assertThat(meters.get("vsync.flush.duration").tag("group", "accounts").timer().count()).isEqualTo(1);
    }

    @Test
    void backsOffForAUserTimersBean() {
        VsyncTimers mine = new VsyncTimers();
        this.runner.withBean(SimpleMeterRegistry.class)
            .withBean("myTimers", VsyncTimers.class, () -> mine)
            .run(context -> assertThat(context).hasSingleBean(VsyncTimers.class).hasBean("myTimers"));
    }

    @Test
    void noMetersWithoutARegistry() {
        this.runner.run(context -> {
            assertThat(context).doesNotHaveBean(VsyncMetrics.class);
            assertThat(context).doesNotHaveBean(VsyncTimers.class);
        });
    }

    @Test
    void noMetersWithoutMicrometer() {
        this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class)).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(VsyncMetrics.class);
        });
    }

    @Test
    void backsOffForAUserBinder() {
        this.runner.withBean(SimpleMeterRegistry.class)
            .withBean("myMetrics", VsyncMetrics.class,
                    () -> new VsyncMetrics(new FakeVsyncEngine(), java.util.List.of(), null))
            .run(context -> assertThat(context).hasSingleBean(VsyncMetrics.class).hasBean("myMetrics"));
    }

}
