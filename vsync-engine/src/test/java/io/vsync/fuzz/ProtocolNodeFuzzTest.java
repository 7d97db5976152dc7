package io.vsync.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer: a protocol core in a two-member view fed made-up messages from its peer and from
 * strangers. No exception may escape, and one input may not allocate or run without bound.
 * {@code mvn test} replays the saved inputs under
 * {@code src/test/resources/io/vsync/fuzz/ProtocolNodeFuzzTestInputs/}; fuzz with
 * {@code JAZZER_FUZZ=1 ./mvnw -pl vsync-engine test -Dtest=ProtocolNodeFuzzTest}.
 */
class ProtocolNodeFuzzTest {
    static final long MAX_BYTES = 256L << 20;
    static final long MAX_MILLIS = 5_000;

    @FuzzTest(maxDuration = "10m")
    void hostileMessages(FuzzedDataProvider data) {
        Bounds bounds = new Bounds();
        NodeHarness h = new NodeHarness();
        new Hostile(Source.of(data), h).run(400);
        bounds.check("one fuzz input", MAX_BYTES, MAX_MILLIS);
    }
}
