package io.vsync.sample.kv;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.vsync.api.Group;
import io.vsync.api.GroupStats;
import io.vsync.api.MemberId;
import io.vsync.api.View;
import io.vsync.api.VsyncEngine;

/** {@code GET /cluster}: what the page at {@code /} shows, as JSON. */
@RestController
class ClusterController {

    /**
     * The group as this replica sees it. The view id is a string: it is 64-bit, and JavaScript
     * numbers are exact only up to 2^53.
     */
    record ClusterStatus(String group, String node, String self, String status, Instant statusSince, String viewId,
            String leader, List<Member> members, List<ClusterMonitor.ViewChange> viewChanges, int keys,
            long position, GroupStats stats) {
    }

    /** One member of the current view, with the rate of its messages delivered here. */
    record Member(String id, String address, int rank, boolean leader, boolean self, double messagesPerSecond,
            long messages) {
    }

    private final KvReplica replica;

    private final ClusterMonitor monitor;

    private final VsyncEngine engine;

    ClusterController(KvReplica replica, ClusterMonitor monitor, VsyncEngine engine) {
        this.replica = replica;
        this.monitor = monitor;
        this.engine = engine;
    }

    @GetMapping("/cluster")
    ClusterStatus cluster() {
        Group group = this.replica.group();
        View view = this.monitor.view();
        MemberId self = group.self();
        List<Member> members = new ArrayList<>();
        if (view != null) {
            for (MemberId member : view.members()) {
                members.add(new Member(member.toString(), member.address(), view.rankOf(member),
                        member.equals(view.leader()), member.equals(self), this.monitor.ratePerSecond(member),
                        this.monitor.delivered(member)));
            }
        }
        return new ClusterStatus(group.name(), this.engine.nodeName(), (self != null) ? self.toString() : null,
                group.status().name(), group.statusSince(), (view != null) ? Long.toString(view.id()) : null,
                (view != null) ? view.leader().toString() : null, members, this.monitor.viewChanges(),
                this.replica.store().size(), this.replica.store().position(), group.stats());
    }
}
