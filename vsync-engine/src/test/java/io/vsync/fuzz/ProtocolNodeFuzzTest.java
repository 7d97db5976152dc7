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

    @FuzzTest(maxDuration = "3m")
    void hostileMessages(byte[] input) {
        // Deterministic: run the input once, then measure a second run of it, so that class
        // loading and the fuzzer's instrumentation of newly reached code are not counted.
        new Hostile(Source.of(input), new NodeHarness()).run(400);
        Bounds bounds = new Bounds();
        new Hostile(Source.of(input), new NodeHarness()).run(400);
        bounds.check("one fuzz input", MAX_BYTES, MAX_MILLIS);
    }

    /**
     * The saved inputs of core findings (src/test/resources/.../ProtocolNodeFuzzTestInputs/
     * knownFindings/), replayed by the same harness. Fixed in CausalPast.strip; see
     * ProtocolCoreFindingsTest and docs/security.md, "Findings".
     */
    @FuzzTest(maxDuration = "1s")
    void knownFindings(FuzzedDataProvider data) {
        new Hostile(Source.of(data), new NodeHarness()).run(400); // the form F3 was found in
    }
}
