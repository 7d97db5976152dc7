package io.vsync.state;

import io.vsync.api.MemberId;
import io.vsync.api.View;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AdmissionTest {

    static final MemberId A = new MemberId("a:7800", 1);
    static final MemberId B = new MemberId("b:7800", 1);
    static final MemberId J = new MemberId("j:7800", 1);
    static final MemberId K = new MemberId("k:7800", 1);
    static final View AB = new View("g", 1, List.of(A, B), List.of(A, B), List.of(), List.of());
    static final View ABJK = new View("g", 2, List.of(A, B, J, K), List.of(J, K), List.of(), List.of());

    @Test
    void theOldestMemberThatIsNotJoiningWritesForEveryJoiner() {
        assertThat(Admission.donorOf(ABJK)).isEqualTo(A);
        assertThat(Admission.donatesTo(AB, ABJK, A)).containsExactly(J, K);
        assertThat(Admission.donatesTo(AB, ABJK, B)).isEmpty();
    }

    @Test
    void aJoinerAdmittedToAnExistingGroupLoadsBeforeDelivering() {
        assertThat(Admission.mustLoad(null, ABJK, J)).isTrue();
        assertThat(Admission.mustLoad(AB, ABJK, A)).as("an old member").isFalse();
        assertThat(Admission.donatesTo(null, ABJK, J)).isEmpty();
    }

    @Test
    void aViewOfJoinersOnlyIsANewGroupWithNobodyToLoadFrom() {
        assertThat(Admission.donorOf(AB)).isNull();
        assertThat(Admission.mustLoad(null, AB, A)).isFalse();
        assertThat(Admission.mustLoad(null, AB, B)).isFalse();
    }
}
