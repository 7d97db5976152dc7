package io.vsync.history;

import io.vsync.api.MemberId;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.vsync.api.DeliveryKind.FIFO;
import static io.vsync.api.DeliveryKind.P2P;
import static io.vsync.history.HistoryBuilder.GROUP;
import static io.vsync.history.HistoryBuilder.history;
import static io.vsync.history.HistoryBuilder.member;
import static io.vsync.history.Verdicts.assertBreaksOnly;
import static io.vsync.history.Verdicts.assertHolds;
import static io.vsync.history.Verdicts.onlyDetail;
import static org.assertj.core.api.Assertions.assertThat;

/** Guarantee 12: after a quiescent end, views converged and surviving senders' messages arrived. */
class LivenessTest {

    static final MemberId A = member("a");
    static final MemberId B = member("b");
    static final MemberId C = member("c");
    static final MemberId D = member("d");

    static CheckOptions alive(MemberId... members) {
        return CheckOptions.quiescent(Map.of(GROUP, Set.of(members)));
    }

    @Test
    void aMemberOfTheFinalViewThatNeverInstalledItBreaksLiveness() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.install(h.view(2, A, B, C, D), A, B, C);

        CheckResult result = h.check(CheckOptions.quiescent());

        assertBreaksOnly(result, 12);
        assertThat(onlyDetail(result)).contains(D + " is a member of the final view 2", "it installed no view");
        assertHolds(h.check(CheckOptions.safetyOnly()));
    }

    @Test
    void aLiveMemberLeftOutsideTheFinalViewBreaksLiveness() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.partitioned(C, 1);
        h.install(h.view(2, A, B), A, B);

        CheckResult result = h.check(alive(A, B, C));

        assertBreaksOnly(result, 12);
        assertThat(onlyDetail(result)).contains(C + " is alive at the end but not in the final view 2",
                "its last view was 1");
    }

    @Test
    void aFinalViewListingADeadMemberBreaksLiveness() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);

        CheckResult result = h.check(alive(A, B));

        assertBreaksOnly(result, 12);
        assertThat(onlyDetail(result)).contains("still lists " + C, "never removed it");
    }

    @Test
    void aSurvivingSendersMessageThatAMemberNeverDeliveredBreaksLiveness() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.install(h.view(2, A, B), A, B);
        h.multicast(A, 1, 2, FIFO, A);

        CheckResult result = h.check(alive(A, B));

        assertBreaksOnly(result, 12);
        assertThat(onlyDetail(result)).contains(B + " (in final view 2) never delivered 1 message(s)"
                + " of surviving sender " + A + ": [1 (view 2)]");
        assertHolds(h.check(CheckOptions.safetyOnly()));
    }

    @Test
    void aMessageLostWithItsCrashedSenderIsNotOwed() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);
        h.send(C, 1, 1, FIFO);
        h.install(h.view(2, A, B), A, B);

        assertHolds(h.check(alive(A, B)));
    }

    @Test
    void aJoinerIsNotOwedMessagesSentBeforeItJoined() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B), A, B);
        h.multicast(A, 1, 1, FIFO, A, B);
        h.install(h.view(2, A, B, D), A, B, D);
        h.multicast(A, 2, 2, P2P, D); // point-to-point: owed to d only, and not checked

        assertHolds(h.check(alive(A, B, D)));
    }

    @Test
    void theLiveMembersAreIgnoredUnlessTheRunEndedQuiescent() {
        HistoryBuilder h = history();
        h.install(h.view(1, A, B, C), A, B, C);

        assertHolds(h.check(new CheckOptions(false, Map.of(GROUP, Set.of(A)))));
        assertThat(CheckOptions.safetyOnly().quiescentEnd()).isFalse();
        assertThat(alive(A).aliveAtEnd("elsewhere")).isEmpty();
    }

    @Test
    void aGroupWhoseLiveMembersInstalledNoViewBreaksLiveness() {
        CheckResult result = new Checker().check(List.of(), alive(A));

        assertBreaksOnly(result, 12);
        assertThat(onlyDetail(result)).contains("group g", "nobody installed a view");
    }
}
