package io.vsync.history;

import io.vsync.api.MemberId;
import io.vsync.api.View;

import java.util.HashMap;
import java.util.Map;

/**
 * Guarantee 13: a joiner's first delivered message follows exactly the state it received.
 * <ul>
 *   <li>a member loads one checkpoint, for the first view it installed, which admitted it
 *       (it is among the view's joined), from a donor that was in the view before;</li>
 *   <li>the checkpoint equals the state of every member that went from the previous view into
 *       the joiner's first view, on installing it: the state at the end of the previous view,
 *       the same at all of them (guarantee 5);</li>
 *   <li>a donor's checkpoint is its own state on installing the joiner's first view, before
 *       any delivery there.</li>
 * </ul>
 * The joiner's deliveries then fold onto the loaded state, which {@link QueryCheck} compares
 * with its replies; that it delivers nothing before its first view is guarantee 6's business.
 */
final class StateTransferCheck implements GuaranteeCheck {

    @Override
    public void check(GroupHistory history, ViolationCollector violations) {
        boolean any = false;
        for (MemberId member : history.members()) {
            for (HistoryEvent event : history.eventsOf(member)) {
                if (event instanceof HistoryEvent.StateLoaded || event instanceof HistoryEvent.StateSent) {
                    any = true;
                    break;
                }
            }
        }
        if (!any) {
            return;
        }
        ApplicationStates states = new ApplicationStates(history, Map.of());
        for (MemberId member : history.members()) {
            Map<Long, Integer> loads = new HashMap<>();
            for (HistoryEvent event : history.eventsOf(member)) {
                if (event instanceof HistoryEvent.StateLoaded loaded) {
                    if (loads.merge(loaded.viewId(), 1, Integer::sum) == 1) {
                        checkLoaded(history, states, loaded, loads.size() > 1, violations);
                    }
                } else if (event instanceof HistoryEvent.StateSent sent) {
                    checkSent(history, states, sent, violations);
                }
            }
            loads.forEach((viewId, count) -> {
                if (count > 1) {
                    violations.report(Guarantee.STATE_TRANSFER, () -> "group " + history.group() + ": " + member
                            + " loaded " + count + " checkpoints for view " + viewId);
                }
            });
        }
    }

    private static void checkLoaded(GroupHistory history, ApplicationStates states, HistoryEvent.StateLoaded loaded,
                                    boolean another, ViolationCollector violations) {
        MemberId joiner = loaded.member();
        String who = "group " + history.group() + ": " + joiner + " loaded " + loaded.donor() + "'s checkpoint "
                + loaded.digest() + " for view " + loaded.viewId();
        if (another) {
            violations.report(Guarantee.STATE_TRANSFER, () -> who + " after loading one for another view");
        }
        Long first = states.firstView(joiner);
        if (first == null || first != loaded.viewId()) {
            violations.report(Guarantee.STATE_TRANSFER, () -> who + " but its first view was " + first);
            return;
        }
        View view = history.view(loaded.viewId());
        if (view == null) {
            return;
        }
        if (!view.joined().contains(joiner)) {
            violations.report(Guarantee.STATE_TRANSFER, () -> who + ", which did not admit it (joined "
                    + view.joined() + ")");
        }
        if (!view.contains(loaded.donor()) || view.joined().contains(loaded.donor())) {
            violations.report(Guarantee.STATE_TRANSFER, () -> who + " but the donor was not in the view before");
        }
        for (MemberId survivor : view.members()) {
            if (view.joined().contains(survivor)) {
                continue;
            }
            Long state = states.atInstall(survivor, view.id());
            if (state != null && state != loaded.digest()) {
                violations.report(Guarantee.STATE_TRANSFER, () -> who + " but " + survivor
                        + ", from the view before, had state " + state + " on installing it");
            }
        }
    }

    private static void checkSent(GroupHistory history, ApplicationStates states, HistoryEvent.StateSent sent,
                                  ViolationCollector violations) {
        String who = "group " + history.group() + ": " + sent.member() + " wrote checkpoint " + sent.digest()
                + " for " + sent.joiner() + " in view " + sent.viewId();
        View view = history.view(sent.viewId());
        if (view != null && !view.joined().contains(sent.joiner())) {
            violations.report(Guarantee.STATE_TRANSFER, () -> who + ", which did not admit the joiner (joined "
                    + view.joined() + ")");
        }
        Long state = states.atInstall(sent.member(), sent.viewId());
        if (!history.installed(sent.member(), sent.viewId())) {
            violations.report(Guarantee.STATE_TRANSFER, () -> who + " without installing that view");
        } else if (state != null && state != sent.digest()) {
            violations.report(Guarantee.STATE_TRANSFER, () -> who + " but its state on installing the view was "
                    + state);
        }
    }
}
