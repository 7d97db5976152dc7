package io.vsync.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.vsync.api.MemberId;
import org.junit.jupiter.api.Test;

/** Ballot's hand-written equality agrees with its ordering. */
class BallotTest {
    private static final MemberId A = new MemberId("127.0.0.1:7800", 1);
    private static final MemberId B = new MemberId("127.0.0.1:7801", 1);

    @Test
    void ballotsAreEqualExactlyWhenTheyCompareEqual() {
        Ballot ballot = new Ballot(3, A);
        Ballot same = new Ballot(3, new MemberId(new String("127.0.0.1:7800"), 1));
        assertThat(ballot).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(ballot.compareTo(same)).isZero();
        for (Ballot other : new Ballot[] {new Ballot(4, A), new Ballot(3, B), new Ballot(3, new MemberId("127.0.0.1:7800", 2))}) {
            assertThat(ballot).isNotEqualTo(other);
            assertThat(ballot.compareTo(other)).isNotZero();
        }
        assertThat(ballot).isNotEqualTo(null).isNotEqualTo(A);
    }
}
