package io.vsync.history;

import io.vsync.api.MemberId;
import io.vsync.api.View;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Query replies: every reply was computed at the position in the order where the request was
 * delivered, by a member of the view it was delivered in, once.
 * <ul>
 *   <li>a member answers only a request it delivered, in the view it delivered it in, and
 *       only if it is a member of that view;</li>
 *   <li>the answer's value is the member's state just before that delivery
 *       ({@link ApplicationStates}; skipped when the member's state is unknown);</li>
 *   <li>a member answers one request at most once;</li>
 *   <li>the asker accepts a reply only from a member of the request's delivery view, at most
 *       once per member, and only a value that member computed (when its history is there).</li>
 * </ul>
 */
final class QueryCheck implements GuaranteeCheck {

    private record Answer(MemberId replier, MessageId request) {
    }

    @Override
    public void check(GroupHistory history, ViolationCollector violations) {
        Map<MemberId, Set<MessageId>> requests = new HashMap<>();
        Map<Answer, HistoryEvent.Replied> answers = new HashMap<>();
        boolean any = false;
        for (MemberId member : history.members()) {
            for (HistoryEvent event : history.eventsOf(member)) {
                if (event instanceof HistoryEvent.Replied r) {
                    any = true;
                    MessageId request = new MessageId(r.asker(), r.requestMsgNo());
                    requests.computeIfAbsent(member, m -> new HashSet<>()).add(request);
                    if (answers.putIfAbsent(new Answer(member, request), r) != null) {
                        violations.report(Guarantee.QUERY_REPLIES, () -> "group " + history.group() + ": "
                                + member + " answered request " + request + " more than once");
                    }
                } else if (event instanceof HistoryEvent.ReplyReceived) {
                    any = true;
                }
            }
        }
        if (!any) {
            return;
        }
        ApplicationStates states = new ApplicationStates(history, requests);
        answers.values().forEach(r -> checkAnswer(history, states, r, violations));
        for (MemberId member : history.members()) {
            Set<Answer> accepted = new HashSet<>();
            for (HistoryEvent event : history.eventsOf(member)) {
                if (event instanceof HistoryEvent.ReplyReceived q) {
                    checkReceived(history, states, answers, accepted, q, violations);
                }
            }
        }
    }

    private static void checkAnswer(GroupHistory history, ApplicationStates states, HistoryEvent.Replied r,
                                    ViolationCollector violations) {
        MessageId request = new MessageId(r.asker(), r.requestMsgNo());
        String who = "group " + history.group() + ": " + r.member() + " answered request " + request;
        Long deliveredIn = states.deliveryView(r.member(), request);
        if (deliveredIn == null) {
            violations.report(Guarantee.QUERY_REPLIES, () -> who + " but never delivered it");
            return;
        }
        if (deliveredIn != r.viewId()) {
            violations.report(Guarantee.QUERY_REPLIES, () -> who + " as delivered in view " + r.viewId()
                    + " but delivered it in view " + deliveredIn);
        }
        View view = history.view(deliveredIn);
        if (view != null && !view.contains(r.member())) {
            violations.report(Guarantee.QUERY_REPLIES, () -> who + " though not a member of view " + deliveredIn
                    + " " + view.members());
        }
        Long expected = states.before(r.member(), request);
        if (expected != null && expected != r.value()) {
            violations.report(Guarantee.QUERY_REPLIES, () -> who + " with state " + r.value()
                    + " but its state where it delivered the request was " + expected);
        }
    }

    private static void checkReceived(GroupHistory history, ApplicationStates states,
                                      Map<Answer, HistoryEvent.Replied> answers, Set<Answer> accepted,
                                      HistoryEvent.ReplyReceived q, ViolationCollector violations) {
        MessageId request = new MessageId(q.member(), q.requestMsgNo());
        Answer answer = new Answer(q.from(), request);
        String who = "group " + history.group() + ": " + q.member() + " accepted " + q.from()
                + "'s reply to request " + request;
        if (!accepted.add(answer)) {
            violations.report(Guarantee.QUERY_REPLIES, () -> who + " more than once");
        }
        Long viewId = states.deliveredIn(request);
        View view = viewId == null ? null : history.view(viewId);
        if (view != null && !view.contains(q.from())) {
            violations.report(Guarantee.QUERY_REPLIES, () -> who + " from a non-member of the request's view "
                    + viewId + " " + view.members());
        }
        HistoryEvent.Replied computed = answers.get(answer);
        if (computed == null) {
            if (!history.eventsOf(q.from()).isEmpty()) {
                violations.report(Guarantee.QUERY_REPLIES, () -> who + ", which " + q.from() + " never computed");
            }
        } else if (computed.value() != q.value()) {
            violations.report(Guarantee.QUERY_REPLIES, () -> who + " with value " + q.value()
                    + " but " + q.from() + " computed " + computed.value());
        }
    }
}
