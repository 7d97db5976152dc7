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

/** Guarantee 13: a joiner starts from the state at the exact point of its admission. */
class StateTransferTest {

    static final MemberId A = member("a");
    static final MemberId B = member("b");
    static final MemberId J = member("j");

    /** a and b deliver a/1 and b/1 (in different orders) in view 1; view 2 admits j. */
    static HistoryBuilder beforeAdmission() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B), A, B);
        h.send(A, 1, 1, FIFO).send(B, 1, 1, FIFO);
        h.deliver(A, 1, 1, FIFO, A).deliver(B, 1, 1, FIFO, A);
        h.deliver(B, 1, 1, FIFO, B).deliver(A, 1, 1, FIFO, B);
        h.install(h.view(2, A, B, J), A, B, J);
        return h;
    }

    static long endOfView1() {
        return StateDigest.after(StateDigest.after(StateDigest.INITIAL, A, 1), B, 1);
    }

    static HistoryEvent.StateSent sent(long digest) {
        return new HistoryEvent.StateSent(HistoryBuilder.GROUP, A, J, 2, digest);
    }

    static HistoryEvent.StateLoaded loaded(long viewId, long digest) {
        return new HistoryEvent.StateLoaded(HistoryBuilder.GROUP, J, A, viewId, digest);
    }

    @Test
    void aCheckpointOfTheEndOfThePreviousViewHolds() {
        HistoryBuilder h = beforeAdmission();
        h.add(sent(endOfView1())).add(loaded(2, endOfView1()));
        h.multicast(B, 2, 2, ORDERED, A, B, J);

        assertHolds(h.check());
    }

    @Test
    void theJoinersRepliesFoldOntoTheLoadedState() {
        HistoryBuilder h = beforeAdmission();
        h.add(loaded(2, endOfView1()));
        h.multicast(B, 2, 2, ORDERED, A, B, J);
        h.multicast(A, 2, 2, ORDERED, A, B, J);
        long atRequest = StateDigest.after(endOfView1(), B, 2);
        h.add(new HistoryEvent.Replied(HistoryBuilder.GROUP, J, A, 2, 2, atRequest));
        h.add(new HistoryEvent.Replied(HistoryBuilder.GROUP, B, A, 2, 2, atRequest));

        assertHolds(h.check());
    }

    @Test
    void aWrongCheckpointIsCaughtThoughTheJoinersRepliesAgreeWithIt() {
        HistoryBuilder h = beforeAdmission();
        h.add(loaded(2, StateDigest.INITIAL));
        h.multicast(A, 2, 2, ORDERED, A, B, J);
        h.add(new HistoryEvent.Replied(HistoryBuilder.GROUP, J, A, 2, 2, StateDigest.INITIAL));

        assertBreaksOnly(h.check(), 13);
    }

    @Test
    void aCheckpointTakenBeforeTheLastMessageOfThePreviousViewIsCaught() {
        HistoryBuilder h = beforeAdmission();
        long early = StateDigest.after(StateDigest.INITIAL, A, 1);
        h.add(sent(early)).add(loaded(2, early));

        CheckResult result = h.check();

        assertBreaksOnly(result, 13);
        assertThat(result.violations()).anySatisfy(v -> assertThat(v.detail())
                .contains(A + " wrote checkpoint " + early + " for " + J + " in view 2 but its state on installing the view was " + endOfView1()));
        assertThat(result.violations()).anySatisfy(v -> assertThat(v.detail())
                .contains(B + ", from the view before, had state " + endOfView1()));
    }

    @Test
    void aCheckpointTakenAfterAMessageOfTheNewViewIsCaught() {
        HistoryBuilder h = beforeAdmission();
        h.multicast(B, 2, 2, ORDERED, A, B, J);
        long late = StateDigest.after(endOfView1(), B, 2);
        h.add(sent(late)).add(loaded(2, late));

        assertBreaksOnly(h.check(), 13);
    }

    @Test
    void loadingForALaterViewThanTheFirstIsCaught() {
        HistoryBuilder h = beforeAdmission();
        h.install(h.view(3, A, B, J), A, B, J);
        h.add(loaded(3, endOfView1()));

        assertThat(onlyDetail(h.check())).contains("but its first view was 2");
    }

    @Test
    void loadingTwoCheckpointsIsCaught() {
        HistoryBuilder h = beforeAdmission();
        h.add(loaded(2, endOfView1())).add(loaded(2, endOfView1()));

        assertThat(onlyDetail(h.check())).contains(J + " loaded 2 checkpoints for view 2");
    }

    @Test
    void aDonorFromAmongTheJoinersIsCaught() {
        HistoryBuilder h = beforeAdmission();
        h.add(new HistoryEvent.StateLoaded(HistoryBuilder.GROUP, J, J, 2, endOfView1()));

        assertThat(onlyDetail(h.check())).contains("the donor was not in the view before");
    }

    @Test
    void aCheckpointForAMemberTheViewDidNotAdmitIsCaught() {
        HistoryBuilder h = beforeAdmission();
        h.add(new HistoryEvent.StateSent(HistoryBuilder.GROUP, A, B, 2, endOfView1()));

        assertThat(onlyDetail(h.check())).contains("which did not admit the joiner");
    }
}
