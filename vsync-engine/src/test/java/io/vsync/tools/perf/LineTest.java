package io.vsync.tools.perf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A member line is its tag, then single-space separated words and key=value pairs, as the driver parses it. */
class LineTest {

    @Test
    void wordsAndPairsFollowTheTagSeparatedBySingleSpaces() {
        String line = new Line("@TPDONE").kv("round", 1).kv("kind", "ordered").kv("fifo_ok", true)
                .kv("hash", Long.toHexString(255)).word("thr_io=5 thr_vm=7").word(42L).toString();
        assertThat(line).isEqualTo("@TPDONE round=1 kind=ordered fifo_ok=true hash=ff thr_io=5 thr_vm=7 42");
        assertThat(new Line("@BYE").toString()).isEqualTo("@BYE");
    }
}
