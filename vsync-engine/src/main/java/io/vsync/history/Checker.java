package io.vsync.history;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;

/**
 * Verifies the guarantees of DESIGN.md §1 on a recorded history: 1 to 10, 13 (state transfer)
 * and 14 (query replies) always, 12 when the run ended quiescent. 13 and 14 look at the
 * application events ({@link HistoryEvent.StateLoaded}, {@link HistoryEvent.Replied}, …) and
 * pass trivially on a history without them.
 *
 * <p>Events are split per group and per member, keeping each member's local order. Every
 * check is linear in the events, except total order, which compares members pairwise; a
 * history of 100k events among ten members checks in well under a second.
 *
 * <p>Stateless: one checker may check any number of histories, from any thread.
 */
public final class Checker {

    /** Violations shown per guarantee unless told otherwise; all are counted regardless. */
    public static final int DEFAULT_MAX_REPORTED_PER_GUARANTEE = 20;

    private final int maxReportedPerGuarantee;

    public Checker() {
        this(DEFAULT_MAX_REPORTED_PER_GUARANTEE);
    }

    /** A checker that shows at most {@code maxReportedPerGuarantee} violations of each guarantee. */
    public Checker(int maxReportedPerGuarantee) {
        if (maxReportedPerGuarantee < 1) {
            throw new IllegalArgumentException("maxReportedPerGuarantee must be at least 1");
        }
        this.maxReportedPerGuarantee = maxReportedPerGuarantee;
    }

    public CheckResult check(List<HistoryEvent> events, CheckOptions options) {
        NavigableMap<String, GroupHistory> groups = GroupHistory.byGroup(events);
        if (options.quiescentEnd()) {
            // A group whose live members recorded nothing at all has still failed liveness.
            options.aliveAtEnd().keySet().forEach(group -> groups.computeIfAbsent(group, GroupHistory::new));
        }
        List<GuaranteeCheck> checks = checksFor(options);
        ViolationCollector violations = new ViolationCollector(maxReportedPerGuarantee);
        int views = 0;
        int deliveries = 0;
        for (GroupHistory group : groups.values()) {
            for (GuaranteeCheck check : checks) {
                check.check(group, violations);
            }
            views += group.viewCount();
            deliveries += group.deliveryCount();
        }
        return new CheckResult(violations.reported(), violations.counts(), events.size(), views, deliveries);
    }

    private static List<GuaranteeCheck> checksFor(CheckOptions options) {
        List<GuaranteeCheck> checks = new ArrayList<>(List.of(
                new ViewAgreementCheck(),
                new ViewOrderCheck(),
                new SelfInclusionCheck(),
                new PrimaryPartitionCheck(),
                new VirtualSynchronyCheck(),
                new SendingViewCheck(),
                new NoCreationNoDuplicationCheck(),
                new FifoCheck(),
                new CausalCheck(),
                new TotalOrderCheck(),
                new StateTransferCheck(),
                new QueryCheck()));
        if (options.quiescentEnd()) {
            checks.add(new LivenessCheck(options));
        }
        return checks;
    }
}
