package io.vsync.spring.boot.autoconfigure.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import io.vsync.api.Group;
import io.vsync.api.GroupStatus;
import io.vsync.api.View;
import io.vsync.api.VsyncEngine;
import io.vsync.spring.boot.autoconfigure.VsyncHandlerRegistry;
import io.vsync.spring.boot.autoconfigure.VsyncProperties;

/**
 * Health of Vsync: UP when the engine runs and every configured group that is joined at startup
 * (or that the application joined since) is a member of its primary view; DOWN, with the reason, when the engine has not started, a group
 * is partitioned or not a member, was left after a handler failure ({@code FAIL_STOP}), or has
 * been in a view change for longer than {@code vsync.health.view-change-limit}.
 */
public class VsyncHealthIndicator extends AbstractHealthIndicator {

    private final VsyncEngine engine;

    private final VsyncProperties properties;

    private final @Nullable VsyncHandlerRegistry registry;

    private final Clock clock;

    public VsyncHealthIndicator(VsyncEngine engine, VsyncProperties properties,
            @Nullable VsyncHandlerRegistry registry) {
        this(engine, properties, registry, Clock.systemUTC());
    }

    VsyncHealthIndicator(VsyncEngine engine, VsyncProperties properties, @Nullable VsyncHandlerRegistry registry,
            Clock clock) {
        super("Vsync health check failed");
        this.engine = engine;
        this.properties = properties;
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("node", this.engine.nodeName());
        if (!this.engine.isRunning()) {
            builder.down().withDetail("reason", "Vsync engine is not running");
            return;
        }
        List<String> reasons = new ArrayList<>();
        Map<String, Object> groups = new LinkedHashMap<>();
        this.properties.getGroups().forEach((name, options) -> {
            Group group = this.engine.group(name);
            GroupStatus status = group.status();
            boolean expected = options == null || options.isJoinOnStartup()
                    || (status != GroupStatus.IDLE && status != GroupStatus.LEFT);
            if (!expected) {
                // joined later by the application, or not at all
                return;
            }
            View view = group.view();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("status", status);
            if (view != null) {
                details.put("viewId", view.id());
                details.put("members", view.size());
            }
            String reason = reason(name, group, status);
            if (reason != null) {
                details.put("reason", reason);
                reasons.add(reason);
            }
            groups.put(name, details);
        });
        builder.withDetail("groups", groups);
        if (reasons.isEmpty()) {
            builder.up();
        }
        else {
            builder.down().withDetail("reason", String.join("; ", reasons));
        }
    }

    private @Nullable String reason(String name, Group group, GroupStatus status) {
        String failStop = (this.registry != null) ? this.registry.getFailStopReason(name) : null;
        if (failStop != null) {
            return "group '" + name + "' was left after a handler failure (error policy FAIL_STOP): " + failStop;
        }
        return switch (status) {
            case MEMBER -> null;
            case VIEW_CHANGE -> {
                Instant since = group.statusSince();
                Duration running = (since != null) ? Duration.between(since, this.clock.instant()) : Duration.ZERO;
                Duration limit = this.properties.getHealth().getViewChangeLimit();
                yield (running.compareTo(limit) > 0) ? "group '" + name + "' has been in a view change for "
                        + running.toMillis() + "ms (limit vsync.health.view-change-limit=" + limit.toMillis() + "ms)"
                        : null;
            }
            case PARTITIONED -> "group '" + name + "' is partitioned: this member is on the minority side or was"
                    + " excluded, and rejoins once it reaches the primary view";
            default -> "group '" + name + "' is not joined (status " + status + ")";
        };
    }

}
