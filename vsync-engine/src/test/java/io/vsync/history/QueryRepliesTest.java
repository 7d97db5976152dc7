package io.vsync.history;

import io.vsync.api.MemberId;
import org.junit.jupiter.api.Test;

import static io.vsync.api.DeliveryKind.FIFO;
import static io.vsync.api.DeliveryKind.ORDERED;
import static io.vsync.history.HistoryBuilder.history;
import static io.vsync.history.HistoryBuilder.member;
import static io.vsync.history.Verdicts.assertBreaksOnly;
import static io.vsync.history.Verdicts.assertHolds;
import static io.vsync.history.Verdicts.onlyDetail;
import static org.assertj.core.api.Assertions.assertThat;

/** Guarantee 14: replies computed where the request was delivered, by members, once. */
class QueryRepliesTest {

    static final MemberId A = member("a");
    static final MemberId B = member("b");
    static final MemberId C = member("c");

    /** A new group a, b, c; b sends message 1, then a queries with its message 1. */
    static HistoryBuilder queried() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.multicast(B, 1, 1, FIFO, A, B, C);
        h.multicast(A, 1, 1, ORDERED, A, B, C);
        return h;
    }

    static long afterB1() {
        return StateDigest.after(StateDigest.INITIAL, B, 1);
    }

    static HistoryEvent.Replied replied(MemberId replier, long value) {
        return new HistoryEvent.Replied(HistoryBuilder.GROUP, replier, A, 1, 1, value);
    }

    static HistoryEvent.ReplyReceived received(MemberId from, long value) {
        return new HistoryEvent.ReplyReceived(HistoryBuilder.GROUP, A, from, 1, value);
    }

    @Test
    void repliesComputedAtTheRequestsPositionHold() {
        HistoryBuilder h = queried();
        h.add(replied(B, afterB1())).add(replied(C, afterB1())).add(received(B, afterB1())).add(received(C, afterB1()));

        assertHolds(h.check());
    }

    @Test
    void aReplyRecordedAfterLaterDeliveriesStillCountsAtTheRequestsPosition() {
        HistoryBuilder h = queried();
        h.multicast(C, 1, 1, FIFO, A, B, C);
        h.add(replied(B, afterB1())).add(received(B, afterB1()));

        assertHolds(h.check());
    }

    @Test
    void aReplyComputedOneDeliveryLateIsCaught() {
        HistoryBuilder h = queried();
        long late = StateDigest.after(afterB1(), A, 1);
        h.add(replied(C, late));

        CheckResult result = h.check();

        assertBreaksOnly(result, 14);
        assertThat(onlyDetail(result)).contains(C + " answered request " + A + "/1 with state " + late);
    }

    @Test
    void aReplyComputedBeforeAnEarlierDeliveryIsCaught() {
        HistoryBuilder h = queried();
        h.add(replied(B, StateDigest.INITIAL));

        assertBreaksOnly(h.check(), 14);
    }

    @Test
    void aReplyFromAMemberThatNeverDeliveredTheRequestIsCaught() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.multicast(A, 1, 1, ORDERED, A, B);
        h.add(replied(C, StateDigest.INITIAL));

        assertThat(onlyDetail(h.check())).contains(C + " answered request " + A + "/1 but never delivered it");
    }

    @Test
    void aReplyFromANonMemberOfTheRequestsViewIsCaughtAtTheAsker() {
        MemberId d = member("d");
        HistoryBuilder h = queried();
        h.add(received(d, 5));

        CheckResult result = h.check();

        assertBreaksOnly(result, 14);
        assertThat(onlyDetail(result)).contains("from a non-member of the request's view 1");
    }

    @Test
    void answeringTwiceIsCaught() {
        HistoryBuilder h = queried();
        h.add(replied(B, afterB1())).add(replied(B, afterB1()));

        assertThat(onlyDetail(h.check())).contains("more than once");
    }

    @Test
    void acceptingOneMembersReplyTwiceIsCaught() {
        HistoryBuilder h = queried();
        h.add(replied(B, afterB1())).add(received(B, afterB1())).add(received(B, afterB1()));

        assertThat(onlyDetail(h.check())).contains(A + " accepted " + B + "'s reply to request " + A + "/1 more than once");
    }

    @Test
    void aReceivedValueTheReplierNeverComputedIsCaught() {
        HistoryBuilder h = queried();
        h.add(replied(B, afterB1())).add(received(B, afterB1() + 1));

        assertThat(onlyDetail(h.check())).contains("but " + B + " computed " + afterB1());
    }

    @Test
    void aReplyFromAMemberWhoseStateIsUnknownIsOnlyCheckedForPlace() {
        // d joined view 2 without a recorded checkpoint: its state is unknown, any value passes.
        MemberId d = member("d");
        HistoryBuilder h = history();
        h.install(h.view(1, A, B), A, B);
        h.install(h.view(2, A, B, d), A, B, d);
        h.multicast(A, 1, 2, ORDERED, A, B, d);
        h.add(new HistoryEvent.Replied(HistoryBuilder.GROUP, d, A, 1, 2, 12345));

        assertHolds(h.check());
    }
}
