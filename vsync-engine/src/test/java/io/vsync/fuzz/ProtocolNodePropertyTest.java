package io.vsync.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The same hostile messages as {@link ProtocolNodeFuzzTest}, from a seeded PRNG (plain JUnit):
 * many short runs, each on a fresh core. Prints its seed; replay with {@code -Dvsync.seed=<seed>}.
 */
class ProtocolNodePropertyTest {
    @Test
    void hostileMessagesNeverThrowNorRunAway() {
        long seed = Long.getLong("vsync.seed", System.nanoTime());
        System.out.println("ProtocolNodePropertyTest seed=" + seed + " (replay with -Dvsync.seed=" + seed + ")");
        Random rnd = new Random(seed);
        int runs = Integer.getInteger("vsync.runs", 300);
        long views = 0;
        for (int run = 0; run < runs; run++) {
            long runSeed = rnd.nextLong();
            Bounds bounds = new Bounds();
            NodeHarness h = new NodeHarness();
            try {
                new Hostile(Source.of(new Random(runSeed), 2_000), h).run(300);
            } catch (RuntimeException e) {
                throw new AssertionError("run " + run + " (seed " + seed + ", run seed " + runSeed + ") threw", e);
            }
            bounds.check("run " + run + " (seed " + seed + ")", ProtocolNodeFuzzTest.MAX_BYTES,
                    ProtocolNodeFuzzTest.MAX_MILLIS);
            views += h.views;
        }
        assertThat(views).as("the harness reached view installs").isPositive();
    }
}
