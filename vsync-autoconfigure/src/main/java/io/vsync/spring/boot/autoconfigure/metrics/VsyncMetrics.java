package io.vsync.spring.boot.autoconfigure.metrics;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import io.vsync.api.Group;
import io.vsync.api.DeliveryKind;
import io.vsync.api.GroupStats;
import io.vsync.api.SecurityStatus;
import io.vsync.api.View;
import io.vsync.api.VsyncEngine;
import io.vsync.spring.boot.autoconfigure.VsyncHandlerRegistry;

/**
 * Micrometer meters of a Vsync engine and of each of its groups (tag {@code group}). They read
 * the engine's counters when the registry polls them: nothing is added to the delivery path.
 */
public class VsyncMetrics implements MeterBinder {

    private final VsyncEngine engine;

    private final Collection<String> groupNames;

    private final @Nullable VsyncHandlerRegistry registry;

    /**
     * @param engine the engine
     * @param groupNames the groups to measure (besides those the engine has when bound)
     * @param registry the annotated handlers' registry, for their errors; may be null
     */
    public VsyncMetrics(VsyncEngine engine, Collection<String> groupNames, @Nullable VsyncHandlerRegistry registry) {
        this.engine = engine;
        this.groupNames = groupNames;
        this.registry = registry;
    }

    @Override
    public void bindTo(MeterRegistry meters) {
        VsyncEngine e = this.engine;
        FunctionCounter.builder("vsync.frames.dropped", e, x -> x.stats().droppedFrames())
            .description("Frames dropped as malformed or of an unknown protocol version")
            .register(meters);
        FunctionCounter.builder("vsync.frames.received", e, x -> x.stats().framesIn())
            .description("Frames received from peers")
            .register(meters);
        FunctionCounter.builder("vsync.frames.sent", e, x -> x.stats().framesOut())
            .description("Frames sent to peers")
            .register(meters);
        FunctionCounter.builder("vsync.network.received", e, x -> x.stats().bytesIn())
            .baseUnit(BaseUnits.BYTES)
            .description("Bytes received from peers")
            .register(meters);
        FunctionCounter.builder("vsync.network.sent", e, x -> x.stats().bytesOut())
            .baseUnit(BaseUnits.BYTES)
            .description("Bytes sent to peers")
            .register(meters);
        Gauge.builder("vsync.connections", e, x -> x.stats().connections())
            .description("Open peer connections")
            .register(meters);
        Set<String> names = new LinkedHashSet<>(this.groupNames);
        for (Group group : e.groups()) {
            names.add(group.name());
        }
        bindSecurity(meters, e, names);
        for (String name : names) {
            bindGroup(meters, e.group(name));
        }
    }

    /** Cluster security: its mode, what it rejected and why, handshakes, and each group's key epoch. */
    private static void bindSecurity(MeterRegistry meters, VsyncEngine e, Set<String> groups) {
        SecurityStatus.Mode mode = e.securityStatus().mode();
        Gauge.builder("vsync.security.enabled", e, x -> (x.securityStatus().mode() != SecurityStatus.Mode.OFF) ? 1 : 0)
            .tags("mode", mode.name().toLowerCase(Locale.ROOT).replace('_', '-'))
            .description("1 when cluster security is on (tag mode: off, shared-secret, tls)")
            .register(meters);
        securityCounter(meters, e, "vsync.security.frames.rejected", "reason", "authentication-failed",
                "Received frames dropped by the security layer", SecurityStatus::authenticationFailed);
        securityCounter(meters, e, "vsync.security.frames.rejected", "reason", "replay",
                "Received frames dropped by the security layer", SecurityStatus::replayed);
        securityCounter(meters, e, "vsync.security.frames.rejected", "reason", "wrong-view-key",
                "Received frames dropped by the security layer", SecurityStatus::wrongViewKey);
        securityCounter(meters, e, "vsync.security.frames.rejected", "reason", "malformed",
                "Received frames dropped by the security layer", SecurityStatus::malformed);
        securityCounter(meters, e, "vsync.security.handshakes", "outcome", "completed",
                "Security handshakes, by outcome", SecurityStatus::handshakesCompleted);
        securityCounter(meters, e, "vsync.security.handshakes", "outcome", "refused",
                "Security handshakes, by outcome", SecurityStatus::handshakesRefused);
        securityCounter(meters, e, "vsync.security.handshakes", "outcome", "refused-by-peer",
                "Security handshakes, by outcome", SecurityStatus::refusedByPeers);
        if (mode == SecurityStatus.Mode.TLS) {
            String tlsHelp = "TLS handshakes under the view keys, by outcome";
            securityCounter(meters, e, "vsync.security.tls.handshakes", "outcome", "completed", tlsHelp,
                    s -> s.tls().handshakesCompleted());
            securityCounter(meters, e, "vsync.security.tls.handshakes", "outcome", "failed", tlsHelp,
                    s -> s.tls().handshakesFailed());
            securityCounter(meters, e, "vsync.security.tls.handshakes", "outcome", "identity-refused", tlsHelp,
                    s -> s.tls().identityRefused());
            securityCounter(meters, e, "vsync.security.tls.handshakes", "outcome", "plain-refused", tlsHelp,
                    s -> s.tls().plainRefused());
        }
        for (String group : groups) {
            // A view id as a double: exact up to 2^53; the endpoint shows it exactly.
            Gauge.builder("vsync.security.key.epoch", e, x -> {
                Long epoch = x.securityStatus().keyEpochs().get(group);
                return (epoch != null) ? epoch : Double.NaN;
            }).tags("group", group).description("The newest view whose key this member holds").register(meters);
        }
    }

    private static void securityCounter(MeterRegistry meters, VsyncEngine e, String name, String tag, String value,
            String description, ToDoubleFunction<SecurityStatus> count) {
        FunctionCounter.builder(name, e, x -> count.applyAsDouble(x.securityStatus()))
            .tags(tag, value)
            .description(description)
            .register(meters);
    }

    private void bindGroup(MeterRegistry meters, Group group) {
        Tags tags = Tags.of("group", group.name());
        for (DeliveryKind kind : DeliveryKind.values()) {
            Tags kindTags = tags.and("kind", kind.name());
            counter(meters, "vsync.messages.sent", group, kindTags, null, "Messages sent by this member",
                    stats -> stats.sentByKind().getOrDefault(kind, 0L));
            counter(meters, "vsync.messages.delivered", group, kindTags, null, "Messages delivered to this member",
                    stats -> stats.deliveredByKind().getOrDefault(kind, 0L));
        }
        counter(meters, "vsync.bytes.sent", group, tags, BaseUnits.BYTES, "Payload bytes multicast by this member",
                GroupStats::bytesSent);
        counter(meters, "vsync.bytes.delivered", group, tags, BaseUnits.BYTES, "Payload bytes delivered",
                GroupStats::bytesDelivered);
        counter(meters, "vsync.view.changes", group, tags, null, "Views installed", GroupStats::viewChanges);
        counter(meters, "vsync.messages.undeliverable", group, tags, null,
                "Payloads with no handler of their type, or that did not decode", GroupStats::undeliverable);
        VsyncHandlerRegistry handlers = this.registry;
        String name = group.name();
        // The engine's count plus the annotated methods' failures it does not see (those it does
        // see, aborted queries and failed state loads, it counts itself).
        FunctionCounter.builder("vsync.handler.errors", group,
                g -> g.stats().handlerErrors() + ((handlers != null)
                        ? handlers.getHandlerErrors(name) - handlers.getHandlerErrorsCountedByEngine(name) : 0))
            .tags(tags)
            .description("Handler invocations that failed (after retries)")
            .register(meters);
        Gauge.builder("vsync.view.size", group, g -> {
            View view = g.view();
            return (view != null) ? view.size() : 0;
        }).tags(tags).description("Members in the current view").register(meters);
        gauge(meters, "vsync.messages.unstable", group, tags, "Messages held because some member may still need them",
                GroupStats::unstable);
        gauge(meters, "vsync.sends.pending", group, tags,
                "Application sends waiting for the next view or for flow control", GroupStats::pendingSends);
    }

    private static void counter(MeterRegistry meters, String name, Group group, Tags tags, @Nullable String unit,
            String description, ToDoubleFunction<GroupStats> value) {
        FunctionCounter.builder(name, group, g -> value.applyAsDouble(g.stats()))
            .tags(tags)
            .baseUnit(unit)
            .description(description)
            .register(meters);
    }

    private static void gauge(MeterRegistry meters, String name, Group group, Tags tags, String description,
            ToDoubleFunction<GroupStats> value) {
        Gauge.builder(name, group, g -> value.applyAsDouble(g.stats())).tags(tags).description(description).register(meters);
    }

}
