package io.vsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** MemberId's hand-written equality: both parts must match, and it agrees with hashing and ordering. */
class MemberIdTest {

    @Test
    void idsAreEqualOnlyWhenAddressAndIncarnationBothAre() {
        MemberId a = new MemberId("127.0.0.1:7800", 5);
        assertThat(a).isEqualTo(new MemberId(new String("127.0.0.1:7800"), 5));
        assertThat(a).hasSameHashCodeAs(new MemberId(new String("127.0.0.1:7800"), 5));
        assertThat(a).isNotEqualTo(new MemberId("127.0.0.1:7800", 6));
        assertThat(a).isNotEqualTo(new MemberId("127.0.0.1:7801", 5));
        assertThat(a).isNotEqualTo("127.0.0.1:7800#5");
        assertThat(a).isNotEqualTo(null);
    }

    @Test
    void equalityAgreesWithCompareToAndWithHashSets() {
        Set<MemberId> set = new HashSet<>();
        for (int port = 7800; port < 7810; port++) {
            for (long inc = 0; inc < 10; inc++) {
                set.add(new MemberId("10.0.0.1:" + port, inc << 16));
            }
        }
        for (int port = 7800; port < 7810; port++) {
            for (long inc = 0; inc < 10; inc++) {
                MemberId copy = new MemberId("10.0.0.1:" + port, inc << 16);
                assertThat(set).contains(copy);
                assertThat(set.stream().filter(copy::equals)).singleElement()
                        .satisfies(m -> assertThat(m.compareTo(copy)).isZero());
            }
        }
        assertThat(set).hasSize(100);
    }

    @Test
    void toStringParsesBackToAnEqualId() {
        MemberId a = new MemberId("[::1]:7800", Long.MAX_VALUE);
        assertThat(a.toString()).isEqualTo("[::1]:7800#" + Long.MAX_VALUE);
        assertThat(MemberId.parse(a.toString())).isEqualTo(a);
        assertThatThrownBy(() -> MemberId.parse("127.0.0.1:7800")).isInstanceOf(IllegalArgumentException.class);
    }
}
