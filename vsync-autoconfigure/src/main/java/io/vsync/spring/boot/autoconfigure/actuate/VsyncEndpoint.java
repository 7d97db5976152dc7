package io.vsync.spring.boot.autoconfigure.actuate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

import io.vsync.api.EngineStats;
import io.vsync.api.Group;
import io.vsync.api.GroupStats;
import io.vsync.api.GroupStatus;
import io.vsync.api.MemberId;
import io.vsync.api.SecurityStatus;
import io.vsync.api.View;
import io.vsync.api.VsyncEngine;
import io.vsync.spring.boot.autoconfigure.VsyncHandlerRegistry;

/**
 * The {@code vsync} actuator endpoint: the engine's state and, per group, its current view
 * (members with rank and address, leader), status and counters. {@code /actuator/vsync/{group}}
 * shows one group; {@code engine.security} shows cluster security's mode and counters. It shows
 * nothing secret: no payloads, no credentials, no keys.
 */
@Endpoint(id = "vsync", defaultAccess = Access.READ_ONLY)
public class VsyncEndpoint {

    private final VsyncEngine engine;

    private final @Nullable VsyncHandlerRegistry registry;

    public VsyncEndpoint(VsyncEngine engine, @Nullable VsyncHandlerRegistry registry) {
        this.engine = engine;
        this.registry = registry;
    }

    @ReadOperation
    public VsyncDescriptor vsync() {
        Map<String, GroupDescriptor> groups = new LinkedHashMap<>();
        for (String name : groupNames()) {
            Group group = find(name);
            if (group != null) {
                groups.put(name, describe(group));
            }
        }
        return new VsyncDescriptor(describeEngine(), groups);
    }

    @ReadOperation
    public @Nullable GroupDescriptor group(@Selector String name) {
        Group group = find(name);
        return (group != null) ? describe(group) : null;
    }

    private Set<String> groupNames() {
        Set<String> names = new LinkedHashSet<>();
        if (this.registry != null) {
            names.addAll(this.registry.getConfiguredGroups());
        }
        for (Group group : this.engine.groups()) {
            names.add(group.name());
        }
        return names;
    }

    /** The named group if it is configured or already exists: never creates one. */
    private @Nullable Group find(String name) {
        for (Group group : this.engine.groups()) {
            if (group.name().equals(name)) {
                return group;
            }
        }
        if (this.registry != null && this.registry.getConfiguredGroups().contains(name)) {
            return this.engine.group(name);
        }
        return null;
    }

    private EngineDescriptor describeEngine() {
        String address;
        try {
            address = this.engine.localAddress();
        }
        catch (RuntimeException ex) {
            address = null;
        }
        return new EngineDescriptor(this.engine.nodeName(), address, this.engine.isRunning(), this.engine.stats(),
                SecurityDescriptor.of(this.engine.securityStatus()));
    }

    private GroupDescriptor describe(Group group) {
        MemberId self = group.self();
        View view = group.view();
        String name = group.name();
        boolean configured = this.registry != null && this.registry.getConfiguredGroups().contains(name);
        HandlersDescriptor handlers = null;
        if (this.registry != null) {
            handlers = new HandlersDescriptor(
                    this.registry.getPayloadTypes(name).stream().map(Class::getName).toList(),
                    this.registry.getReplyTypes(name).stream().map(Class::getName).toList(),
                    this.registry.getHandlerErrors(name), this.registry.getFailStopReason(name),
                    this.registry.hasStateTransfer(name));
        }
        Instant since = group.statusSince();
        return new GroupDescriptor(name, group.status(), (since != null) ? since.toString() : null, configured,
                (self != null) ? self.toString() : null, (view != null) ? describe(view, self) : null, group.stats(),
                handlers);
    }

    private static ViewDescriptor describe(View view, @Nullable MemberId self) {
        List<MemberDescriptor> members = new ArrayList<>();
        for (int rank = 0; rank < view.members().size(); rank++) {
            MemberId member = view.members().get(rank);
            members.add(new MemberDescriptor(member.toString(), member.address(), member.incarnation(), rank,
                    member.equals(self)));
        }
        return new ViewDescriptor(view.id(), view.leader().toString(), members, ids(view.joined()), ids(view.left()),
                ids(view.failed()));
    }

    private static List<String> ids(List<MemberId> members) {
        return members.stream().map(MemberId::toString).toList();
    }

    /** The whole endpoint: the engine and every group. */
    public record VsyncDescriptor(EngineDescriptor engine, Map<String, GroupDescriptor> groups)
            implements OperationResponseBody {
    }

    /**
     * The engine.
     * @param nodeName the node's name
     * @param address where it listens ({@code host:port}), or null before it started
     * @param running whether it runs
     * @param stats engine-wide counters
     * @param security cluster security's mode and counters (never a secret or key)
     */
    public record EngineDescriptor(String nodeName, @Nullable String address, boolean running, EngineStats stats,
            SecurityDescriptor security) {
    }

    /**
     * Cluster security, as {@link SecurityStatus} reports it: counters and view ids only.
     * @param mode {@code off}, {@code shared-secret} or {@code tls}
     * @param framesRejected received frames dropped, by reason: {@code authentication-failed},
     * {@code replay}, {@code wrong-view-key}, {@code malformed}
     * @param handshakes handshakes {@code completed}, {@code refused} (here) and
     * {@code refused-by-peer}
     * @param viewKeys view keys {@code created} here, {@code received}, and key
     * {@code requests-refused} to non-members
     * @param droppedWaiting frames dropped while waiting for a handshake or a view key
     * @param keyEpochs per group, the newest view whose key this member holds
     * @param tls the TLS layer's handshakes by outcome ({@code completed}, {@code failed},
     * {@code identity-refused}, {@code plain-refused}); empty without TLS
     */
    public record SecurityDescriptor(String mode, Map<String, Long> framesRejected, Map<String, Long> handshakes,
            Map<String, Long> viewKeys, long droppedWaiting, Map<String, Long> keyEpochs, Map<String, Long> tls) {

        static SecurityDescriptor of(SecurityStatus s) {
            Map<String, Long> rejected = new LinkedHashMap<>();
            rejected.put("authentication-failed", s.authenticationFailed());
            rejected.put("replay", s.replayed());
            rejected.put("wrong-view-key", s.wrongViewKey());
            rejected.put("malformed", s.malformed());
            Map<String, Long> handshakes = new LinkedHashMap<>();
            handshakes.put("completed", s.handshakesCompleted());
            handshakes.put("refused", s.handshakesRefused());
            handshakes.put("refused-by-peer", s.refusedByPeers());
            Map<String, Long> viewKeys = new LinkedHashMap<>();
            viewKeys.put("created", s.viewKeysCreated());
            viewKeys.put("received", s.viewKeysReceived());
            viewKeys.put("requests-refused", s.keyRequestsRefused());
            Map<String, Long> tls = new LinkedHashMap<>();
            if (s.mode() == SecurityStatus.Mode.TLS) {
                tls.put("completed", s.tls().handshakesCompleted());
                tls.put("failed", s.tls().handshakesFailed());
                tls.put("identity-refused", s.tls().identityRefused());
                tls.put("plain-refused", s.tls().plainRefused());
            }
            return new SecurityDescriptor(modeName(s.mode()), rejected, handshakes, viewKeys, s.droppedWaiting(),
                    new java.util.TreeMap<>(s.keyEpochs()), tls);
        }

        /** {@code off}, {@code shared-secret}, {@code tls}: the names the docs and meters use. */
        public static String modeName(SecurityStatus.Mode mode) {
            return mode.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * One group at this member.
     * @param name the group's name
     * @param status where this member stands
     * @param statusSince when it entered that status (ISO-8601), as the engine reports it
     * @param configured whether the group is configured under vsync.groups
     * @param self this member's id, or null before it joined
     * @param view the current view, or null before the first
     * @param stats the group's counters (sent, delivered, unstable, pending, …)
     * @param handlers the annotated handlers bound to the group, or null without annotation support
     */
    public record GroupDescriptor(String name, GroupStatus status, @Nullable String statusSince, boolean configured,
            @Nullable String self,
            @Nullable ViewDescriptor view, GroupStats stats, @Nullable HandlersDescriptor handlers)
            implements OperationResponseBody {
    }

    /**
     * One view.
     * @param id the view's number
     * @param leader the member of rank 0
     * @param members the members in rank order
     * @param joined members new in this view
     * @param left members that left gracefully
     * @param failed members removed as failed or unreachable
     */
    public record ViewDescriptor(long id, String leader, List<MemberDescriptor> members, List<String> joined,
            List<String> left, List<String> failed) {
    }

    /**
     * One member of a view.
     * @param id {@code host:port#incarnation}
     * @param address {@code host:port}
     * @param incarnation the incarnation
     * @param rank the rank in the view (0 is the leader)
     * @param self whether it is this member
     */
    public record MemberDescriptor(String id, String address, long incarnation, int rank, boolean self) {
    }

    /**
     * The annotated handlers of a group.
     * @param payloadTypes the payload types handled
     * @param replyTypes the payload types whose handler returns a reply to queries
     * @param errors invocations of annotated methods that failed after their attempts
     * @param failStopReason why the group was left by the FAIL_STOP policy, or null
     * @param stateTransfer whether state provider and loader methods are declared
     */
    public record HandlersDescriptor(List<String> payloadTypes, List<String> replyTypes, long errors,
            @Nullable String failStopReason, boolean stateTransfer) {
    }

}
