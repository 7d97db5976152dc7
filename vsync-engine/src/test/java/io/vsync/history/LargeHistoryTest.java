package io.vsync.history;

import io.vsync.api.DeliveryKind;
import io.vsync.api.MemberId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static io.vsync.api.DeliveryKind.FIFO;
import static io.vsync.api.DeliveryKind.ORDERED;
import static io.vsync.history.HistoryBuilder.GROUP;
import static io.vsync.history.HistoryBuilder.history;
import static io.vsync.history.HistoryBuilder.member;
import static io.vsync.history.Verdicts.assertBreaksOnly;
import static io.vsync.history.Verdicts.assertHolds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A history the size of a long simulation run: ten members, a crash and a rejoin every 50
 * messages, FIFO and ORDERED traffic. The checker must find it clean, and find the one
 * reordering planted in it. (Speed is watched by the build's test times, not asserted: a
 * shared machine makes timing assertions flaky.)
 */
class LargeHistoryTest {

    static final int MEMBERS = 10;
    static final int TARGET_EVENTS = 100_000;

    record Run(HistoryBuilder history, List<MemberId> finalMembers) {
    }

    static Run largeRun(long seed) {
        Random random = new Random(seed);
        HistoryBuilder h = history();
        List<MemberId> members = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            members.add(member("n" + i));
        }
        Map<MemberId, Long> lastMsgNo = new HashMap<>();
        long viewId = 1;
        h.install(h.view(viewId, all(members)), all(members));
        while (h.size() < TARGET_EVENTS) {
            for (int i = 0; i < 50; i++) {
                MemberId sender = members.get(random.nextInt(members.size()));
                long msgNo = lastMsgNo.merge(sender, 1L, Long::sum);
                DeliveryKind kind = random.nextBoolean() ? FIFO : ORDERED;
                h.multicast(sender, msgNo, viewId, kind, all(members));
            }
            MemberId crashed = members.remove(random.nextInt(members.size()));
            h.install(h.view(++viewId, all(members)), all(members));
            members.add(new MemberId(crashed.address(), crashed.incarnation() + 1));
            h.install(h.view(++viewId, all(members)), all(members));
        }
        return new Run(h, List.copyOf(members));
    }

    static MemberId[] all(List<MemberId> members) {
        return members.toArray(MemberId[]::new);
    }

    @Test
    void aHundredThousandEventHistoryWithoutFaultsInDeliveryIsClean() {
        Run run = largeRun(42);
        List<HistoryEvent> events = run.history().events();

        CheckResult result = new Checker().check(events,
                CheckOptions.quiescent(Map.of(GROUP, Set.copyOf(run.finalMembers()))));

        assertHolds(result);
        assertThat(result.events()).isGreaterThanOrEqualTo(TARGET_EVENTS);
        assertThat(result.views()).isGreaterThan(300);
        assertThat(result.deliveries()).isGreaterThan(TARGET_EVENTS * 8 / 10);
    }

    @Test
    void oneMemberSwappingTwoOrderedDeliveriesInAHundredThousandEventsIsFound() {
        List<HistoryEvent> events = new ArrayList<>(largeRun(7).history().events());
        MemberId deviant = swapTwoOrderedDeliveries(events);

        CheckResult result = new Checker().check(events, CheckOptions.quiescent());

        assertBreaksOnly(result, 10);
        assertThat(result.violationCount(10)).as("one pair per other member").isEqualTo(MEMBERS - 1);
        assertThat(result.violations()).allSatisfy(v -> assertThat(v.detail()).contains(deviant.toString()));
    }

    /**
     * Swaps, late in the run, the positions of two consecutive deliveries of one member that
     * are ORDERED messages of different senders: only that member's total order changes.
     */
    static MemberId swapTwoOrderedDeliveries(List<HistoryEvent> events) {
        int previous = -1;
        for (int i = events.size() / 2; i < events.size(); i++) {
            if (!(events.get(i) instanceof HistoryEvent.Delivered d) || !d.member().address().equals("n0:7800")) {
                continue;
            }
            if (previous >= 0 && events.get(previous) instanceof HistoryEvent.Delivered p
                    && p.member().equals(d.member()) && p.kind() == ORDERED && d.kind() == ORDERED
                    && !p.sender().equals(d.sender()) && p.viewId() == d.viewId()) {
                events.set(previous, d);
                events.set(i, p);
                return d.member();
            }
            previous = i;
        }
        throw new IllegalStateException("no two consecutive ORDERED deliveries of different senders found");
    }
}
