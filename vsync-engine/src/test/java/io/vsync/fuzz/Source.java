package io.vsync.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.util.Random;

/** Where the hostile choices come from: Jazzer's data under fuzzing, a seeded PRNG in property tests. */
interface Source {
    /** In {@code [lo, hi]}. */
    int intIn(int lo, int hi);

    long anyLong();

    boolean bool();

    byte[] bytes(int max);

    /** True when the source has nothing left: the run ends. */
    boolean exhausted();

    static Source of(FuzzedDataProvider data) {
        return new Source() {
            @Override
            public int intIn(int lo, int hi) {
                return data.consumeInt(lo, hi);
            }

            @Override
            public long anyLong() {
                return data.consumeLong();
            }

            @Override
            public boolean bool() {
                return data.consumeBoolean();
            }

            @Override
            public byte[] bytes(int max) {
                return data.consumeBytes(max);
            }

            @Override
            public boolean exhausted() {
                return data.remainingBytes() == 0;
            }
        };
    }

    /** Choices read from raw bytes, deterministically: the same input makes the same choices. */
    static Source of(byte[] input) {
        return new Source() {
            private int pos;

            private long take(int n) {
                long v = 0;
                for (int i = 0; i < n; i++) {
                    v = (v << 8) | (pos < input.length ? input[pos] & 0xFF : 0);
                    pos++;
                }
                return v;
            }

            @Override
            public int intIn(int lo, int hi) {
                long range = (long) hi - lo + 1;
                return lo + (int) Math.floorMod(take(range <= 256 ? 1 : range <= 65536 ? 2 : 4), range);
            }

            @Override
            public long anyLong() {
                return take(8);
            }

            @Override
            public boolean bool() {
                return (take(1) & 1) != 0;
            }

            @Override
            public byte[] bytes(int max) {
                byte[] b = new byte[intIn(0, max)];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) take(1);
                }
                return b;
            }

            @Override
            public boolean exhausted() {
                return pos >= input.length;
            }
        };
    }

    static Source of(Random rnd, int steps) {
        return new Source() {
            private int left = steps;

            @Override
            public int intIn(int lo, int hi) {
                left--;
                return lo + (int) Math.floorMod(rnd.nextLong(), (long) hi - lo + 1);
            }

            @Override
            public long anyLong() {
                left--;
                return rnd.nextLong();
            }

            @Override
            public boolean bool() {
                left--;
                return rnd.nextBoolean();
            }

            @Override
            public byte[] bytes(int max) {
                left--;
                byte[] b = new byte[rnd.nextInt(max + 1)];
                rnd.nextBytes(b);
                return b;
            }

            @Override
            public boolean exhausted() {
                return left <= 0;
            }
        };
    }
}
