package io.vsync.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The encoder's name cache returns exactly the string's UTF-8, however names collide or race. */
class EncodedNamesTest {
    private final EncodedNames names = new EncodedNames();

    @Test
    void aRepeatedNameIsEncodedOnceAndEqualNamesShareTheBytes() {
        byte[] first = names.utf8("orders", "group name");
        assertThat(names.utf8("orders", "group name")).isSameAs(first);
        assertThat(names.utf8(new String("orders"), "group name")).isSameAs(first);
        assertThat(first).isEqualTo("orders".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void manyNamesThatShareSlotsOnlyEvictAndNonAsciiIsUtf8() {
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 1000; i++) {
                String name = (i % 3 == 0 ? "grüppe-" : "group-") + i;
                assertThat(names.utf8(name, "group name")).isEqualTo(name.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void aNameOverTheWireLimitIsRefusedEveryTime() {
        String longest = "é".repeat(127) + "1"; // 255 bytes: fits
        assertThat(names.utf8(longest, "member address")).hasSize(255);
        String over = "é".repeat(128);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> names.utf8(over, "member address"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("member address is 256 bytes");
        }
    }

    @Test
    void threadsEncodingDifferentNamesAtOnceEachGetTheirOwnBytes() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 50_000; i++) {
                        String name = "n" + thread + "-" + (i % 200);
                        if (!new String(names.utf8(name, "name"), StandardCharsets.UTF_8).equals(name)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
