package io.vsync.spring.boot.autoconfigure.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.vsync.api.GroupStatus;
import io.vsync.spring.boot.autoconfigure.FakeEngineConfiguration;
import io.vsync.spring.boot.autoconfigure.FakeGroup;
import io.vsync.spring.boot.autoconfigure.FakeVsyncEngine;
import io.vsync.spring.boot.autoconfigure.VsyncAutoConfiguration;
import io.vsync.spring.boot.autoconfigure.VsyncProperties;

import static org.assertj.core.api.Assertions.assertThat;

class VsyncHealthIndicatorTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(
                AutoConfigurations.of(VsyncAutoConfiguration.class, VsyncHealthContributorAutoConfiguration.class))
        .withUserConfiguration(FakeEngineConfiguration.class)
        .withPropertyValues("vsync.groups.accounts.join-on-startup=true", "vsync.groups.audit.join-on-startup=true",
                "vsync.groups.later.join-on-startup=false", "vsync.handler.retry-backoff=0ms");

    @Test
    void healthContributorIsRegisteredUnderItsName() {
        this.runner.run(context -> {
            assertThat(context).hasSingleBean(VsyncHealthIndicator.class);
            assertThat(context).hasBean("vsyncHealthContributor");
        });
    }

    @Test
    void canBeDisabled() {
        this.runner.withPropertyValues("management.health.vsync.enabled=false")
            .run(context -> assertThat(context).doesNotHaveBean(VsyncHealthIndicator.class));
        this.runner.withPropertyValues("management.health.defaults.enabled=false")
            .run(context -> assertThat(context).doesNotHaveBean(VsyncHealthIndicator.class));
    }

    @Test
    void backsOffWithoutTheHealthModule() {
        this.runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(VsyncHealthIndicator.class);
        });
    }

    @Test
    void backsOffForAUserContributorOfThatName() {
        this.runner.withBean("vsyncHealthContributor", HealthIndicator.class, () -> () -> Health.up().build())
            .run(context -> assertThat(context).doesNotHaveBean(VsyncHealthIndicator.class));
    }

    @Test
    void upWhenEveryGroupJoinedAtStartupIsAMember() {
        this.runner.run(context -> {
            Health health = context.getBean(VsyncHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("node", "fake-node");
            @SuppressWarnings("unchecked")
            Map<String, Object> groups = (Map<String, Object>) health.getDetails().get("groups");
            assertThat(groups).containsOnlyKeys("accounts", "audit");
            assertThat(groups.get("accounts").toString()).contains("MEMBER").contains("viewId=1").contains("members=1");
        });
    }

    @Test
    void downWhenTheEngineIsNotRunning() {
        this.runner.run(context -> {
            context.getBean(FakeVsyncEngine.class).setRunning(false);
            Health health = context.getBean(VsyncHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails().get("reason")).isEqualTo("Vsync engine is not running");
        });
    }

    @Test
    void downWhenAGroupIsPartitioned() {
        this.runner.run(context -> {
            context.getBean(FakeVsyncEngine.class).group("audit").status = GroupStatus.PARTITIONED;
            Health health = context.getBean(VsyncHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat((String) health.getDetails().get("reason")).contains("group 'audit' is partitioned");
        });
    }

    @Test
    void downWhenAGroupIsNotJoined() {
        this.runner.run(context -> {
            context.getBean(FakeVsyncEngine.class).group("audit").status = GroupStatus.LEFT;
            Health health = context.getBean(VsyncHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat((String) health.getDetails().get("reason")).contains("group 'audit' is not joined (status LEFT)");
        });
    }

    @Test
    void groupsNotJoinedAtStartupCountOnceTheApplicationJoinsThem() {
        this.runner.run(context -> {
            FakeGroup later = context.getBean(FakeVsyncEngine.class).group("later");
            VsyncHealthIndicator indicator = context.getBean(VsyncHealthIndicator.class);
            assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
            later.joinAsync();
            assertThat(indicator.health().getDetails().get("groups").toString()).contains("later");
            later.status = GroupStatus.PARTITIONED;
            Health health = indicator.health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat((String) health.getDetails().get("reason")).contains("group 'later' is partitioned");
        });
    }

    @Test
    void downAfterAFailStop() {
        this.runner.withUserConfiguration(FailingHandler.class)
            .withPropertyValues("vsync.handler.error-policy=fail-stop")
            .run(context -> {
                FakeGroup accounts = context.getBean(FakeVsyncEngine.class).group("accounts");
                accounts.deliver(new FailingHandler.Ping("x"));
                Health health = context.getBean(VsyncHealthIndicator.class).health();
                assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                assertThat((String) health.getDetails().get("reason"))
                    .contains("group 'accounts' was left after a handler failure (error policy FAIL_STOP)")
                    .contains("cannot handle x");
            });
    }

    @Test
    void viewChangeIsUpUntilItLastsLongerThanTheLimit() {
        FakeVsyncEngine engine = new FakeVsyncEngine();
        engine.start();
        VsyncProperties properties = new VsyncProperties();
        properties.getGroups().put("accounts", new VsyncProperties.GroupOptions());
        properties.getHealth().setViewChangeLimit(Duration.ofSeconds(10));
        FakeGroup accounts = engine.group("accounts");
        accounts.joinAsync();
        Instant start = Instant.parse("2025-01-01T00:00:00Z");
        MutableClock clock = new MutableClock(start);
        VsyncHealthIndicator indicator = new VsyncHealthIndicator(engine, properties, null, clock);

        // the engine says since when the group is in its status
        accounts.status = GroupStatus.VIEW_CHANGE;
        accounts.statusSince = start;
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        clock.now = start.plusSeconds(9);
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        clock.now = start.plusSeconds(11);
        Health stuck = indicator.health();
        assertThat(stuck.getStatus()).isEqualTo(Status.DOWN);
        assertThat((String) stuck.getDetails().get("reason"))
            .contains("group 'accounts' has been in a view change for 11000ms (limit vsync.health.view-change-limit=10000ms)");

        accounts.status = GroupStatus.MEMBER;
        accounts.statusSince = clock.now;
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        accounts.status = GroupStatus.VIEW_CHANGE;
        accounts.statusSince = clock.now;
        clock.now = clock.now.plusSeconds(1);
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
    }

    private static final class MutableClock extends Clock {

        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return this.now;
        }

    }

    @Test
    void viewChangeLimitIsAProperty() {
        this.runner.withPropertyValues("vsync.health.view-change-limit=3s")
            .run(context -> assertThat(context.getBean(VsyncProperties.class).getHealth().getViewChangeLimit())
                .isEqualTo(Duration.ofSeconds(3)));
    }

}
