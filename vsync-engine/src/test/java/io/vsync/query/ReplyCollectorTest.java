package io.vsync.query;

import io.vsync.api.MemberId;
import io.vsync.api.Quorum;
import io.vsync.api.View;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReplyCollectorTest {

    static final MemberId A = new MemberId("a:7800", 1);
    static final MemberId B = new MemberId("b:7800", 1);
    static final MemberId C = new MemberId("c:7800", 1);
    static final MemberId D = new MemberId("d:7800", 1);
    static final View ABC = new View("g", 4, List.of(A, B, C), List.of(), List.of(), List.of());
    static final View AB = new View("g", 5, List.of(A, B), List.of(), List.of(), List.of(C));

    static ReplyCollector delivered(Quorum quorum) {
        ReplyCollector c = new ReplyCollector(quorum, null, null, 1000);
        c.requestDelivered(ABC);
        return c;
    }

    @Test
    void allCompletesWhenEveryMemberOfTheRequestsViewAnswered() {
        ReplyCollector c = delivered(Quorum.ALL);
        c.reply(A);
        c.reply(B);
        assertThat(c.state()).isEqualTo(ReplyCollector.State.OPEN);
        c.reply(C);
        assertThat(c.state()).isEqualTo(ReplyCollector.State.COMPLETE);
        assertThat(c.repliers()).containsExactly(A, B, C);
        assertThat(c.viewId()).isEqualTo(4);
    }

    @Test
    void aMemberDroppedByTheNextViewIsNamedAndNotWaitedFor() {
        ReplyCollector c = delivered(Quorum.ALL);
        c.reply(A);
        c.reply(B);
        c.viewChanged(AB);
        assertThat(c.state()).isEqualTo(ReplyCollector.State.COMPLETE);
        assertThat(c.failed()).containsExactly(C);
    }

    @Test
    void majorityEndsEarlyWithoutTheRest() {
        ReplyCollector c = delivered(Quorum.MAJORITY);
        c.reply(C);
        assertThat(c.done()).isFalse();
        c.reply(A);
        assertThat(c.state()).isEqualTo(ReplyCollector.State.COMPLETE);
        assertThat(c.reply(B)).as("a reply after the end does not count").isFalse();
    }

    @Test
    void repliesFromNonMembersAndRepeatsDoNotCount() {
        ReplyCollector c = delivered(Quorum.of(2));
        assertThat(c.reply(D)).isFalse();
        assertThat(c.reply(A)).isTrue();
        assertThat(c.reply(A)).isFalse();
        assertThat(c.done()).isFalse();
    }

    @Test
    void theDeadlineOnTheCallersClockEndsAnOpenQueryIncomplete() {
        ReplyCollector c = delivered(Quorum.ALL);
        c.reply(A);
        c.tick(999);
        assertThat(c.done()).isFalse();
        c.tick(1000);
        assertThat(c.state()).isEqualTo(ReplyCollector.State.INCOMPLETE);
        assertThat(c.repliers()).containsExactly(A);
    }

    @Test
    void aQuorumThatFailuresMakeUnreachableEndsIncomplete() {
        ReplyCollector c = delivered(Quorum.of(3));
        c.reply(A);
        c.viewChanged(new View("g", 5, List.of(A), List.of(), List.of(), List.of(B, C)));
        assertThat(c.state()).isEqualTo(ReplyCollector.State.INCOMPLETE);
        assertThat(c.failed()).containsExactly(B, C);
    }

    @Test
    void repliesBeforeTheAskersOwnDeliveryCountOnceItsViewIsKnown() {
        ReplyCollector c = new ReplyCollector(Quorum.of(2), null, null, Long.MAX_VALUE);
        c.reply(B);
        c.reply(C);
        assertThat(c.done()).as("the view to answer is not known yet").isFalse();
        c.requestDelivered(ABC);
        assertThat(c.state()).isEqualTo(ReplyCollector.State.COMPLETE);
    }

    @Test
    void aPointToPointQueryWaitsForItsOneMemberOnly() {
        ReplyCollector c = new ReplyCollector(Quorum.of(1), B, ABC, Long.MAX_VALUE);
        assertThat(c.reply(C)).isFalse();
        assertThat(c.reply(B)).isTrue();
        assertThat(c.state()).isEqualTo(ReplyCollector.State.COMPLETE);
    }
}
