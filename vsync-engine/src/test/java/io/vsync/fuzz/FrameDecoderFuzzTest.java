package io.vsync.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vsync.codec.FrameCodec;
import io.vsync.codec.MalformedFrameException;
import io.vsync.security.SecureFuzzHarness;
import java.nio.ByteBuffer;

/**
 * Jazzer: the frame decoder and the secure frame opener on arbitrary bytes. Decoding yields a
 * message or a {@link MalformedFrameException}, never anything else, with allocation in
 * proportion to the input; the opener never throws and never passes on what it cannot
 * authenticate. Fuzz with {@code JAZZER_FUZZ=1 ./mvnw -pl vsync-engine test
 * -Dtest='FrameDecoderFuzzTest#frameCodec'} (or {@code #secureOpener}).
 */
class FrameDecoderFuzzTest {
    private static final FrameCodec CODEC = new FrameCodec();
    private static SecureFuzzHarness opener;

    static { // class loading and JIT set-up are not the input's allocation
        for (int i = 0; i < 3; i++) {
            for (byte[] b : new byte[][] {{}, {0, 0, 0, 8, 0x56, 0x53, 1, 1, 0, 0, 0, 0}, {0, 0, 0, 4, 0x56, 0x53, 1, 0}}) {
                try {
                    CODEC.decode(ByteBuffer.wrap(b));
                } catch (MalformedFrameException | RuntimeException ignored) {
                    // warming up
                }
                try {
                    CODEC.decodeHelloBody(ByteBuffer.wrap(b));
                } catch (MalformedFrameException | RuntimeException ignored) {
                    // warming up
                }
            }
        }
    }

    @FuzzTest(maxDuration = "90s")
    void frameCodec(byte[] input) {
        decodeAll(input); // once unmeasured: class loading on a newly reached path is not the input's cost
        Bounds bounds = new Bounds();
        decodeAll(input);
        bounds.check("decoding " + input.length + " bytes", 64L * input.length + (4 << 20), 2_000);
    }

    private static void decodeAll(byte[] input) {
        try {
            CODEC.decode(ByteBuffer.wrap(input));
        } catch (MalformedFrameException expected) {
            // dropped and counted by the transport
        }
        try {
            CODEC.decodeBody(ByteBuffer.wrap(input));
        } catch (MalformedFrameException expected) {
            // idem
        }
        try {
            CODEC.decodeHelloBody(ByteBuffer.wrap(input));
        } catch (MalformedFrameException expected) {
            // idem
        }
    }

    @FuzzTest(maxDuration = "90s")
    void secureOpener(FuzzedDataProvider data) {
        if (opener == null) {
            opener = new SecureFuzzHarness();
        }
        Bounds bounds = new Bounds();
        opener.feed(data.consumeInt(0, 4), data.consumeRemainingAsBytes());
        bounds.check("opening a secure frame", 64L << 20, 2_000);
    }
}
