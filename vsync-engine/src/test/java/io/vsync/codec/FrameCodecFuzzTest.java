package io.vsync.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.vsync.message.ProtocolMessage;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Seeded property tests: whatever the bytes, decoding yields a valid message or a
 * {@link MalformedFrameException}, and never allocates out of proportion to the input.
 * Each test prints its seed; replay one with {@code -Dvsync.seed=<seed>}.
 */
class FrameCodecFuzzTest {
    /** Decoded object graphs are bigger than their wire form, but only by a constant factor. */
    private static final long ALLOCATION_FACTOR = 32;
    private static final long ALLOCATION_SLACK = 256 * 1024;

    private final FrameCodec codec = new FrameCodec();
    /** One connection's decoder, reused across every input: its name cache must never change a result. */
    private final FrameDecoder connection = codec.newDecoder();
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private Random rnd;
    private long seed;
    private int validDecodes;

    @BeforeEach
    void seed(TestInfo info) throws Exception {
        seed = Long.getLong("vsync.seed", System.nanoTime());
        System.out.println(info.getDisplayName() + " seed=" + seed + " (replay with -Dvsync.seed=" + seed + ")");
        rnd = new Random(seed);
        for (ProtocolMessage m : SampleMessages.all()) { // warm up, so class loading is not counted
            codec.decode(codec.encode(m));
        }
    }

    @Test
    void randomBytes() {
        for (int i = 0; i < 50_000; i++) {
            byte[] bytes = new byte[rnd.nextInt(300)];
            rnd.nextBytes(bytes);
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            if (bytes.length >= 8 && rnd.nextBoolean()) {
                // Mostly-plausible headers reach the body decoders instead of failing on the magic.
                buf.putInt(0, rnd.nextBoolean() ? bytes.length - 4 : rnd.nextInt());
                buf.putShort(4, FrameCodec.MAGIC);
                buf.put(6, FrameCodec.VERSION);
                buf.put(7, (byte) (1 + rnd.nextInt(18)));
            }
            check(bytes);
        }
    }

    @Test
    void truncatedFramesAtEveryCutPoint() {
        for (ByteBuffer frame : validFrames(200)) {
            byte[] bytes = toBytes(frame);
            for (int cut = 0; cut < bytes.length; cut++) {
                byte[] truncated = java.util.Arrays.copyOf(bytes, cut);
                expectMalformed(truncated);
                if (cut >= 4) {
                    // Also with the length field fixed up, so the body decoders see the truncation.
                    ByteBuffer.wrap(truncated).putInt(0, cut - 4);
                    expectMalformed(truncated);
                }
            }
        }
    }

    @Test
    void bitFlipsInValidFrames() {
        for (ByteBuffer frame : validFrames(500)) {
            byte[] original = toBytes(frame);
            for (int i = 0; i < 200; i++) {
                byte[] flipped = original.clone();
                for (int flips = 1 + rnd.nextInt(3); flips > 0; flips--) {
                    int bit = rnd.nextInt(flipped.length * 8);
                    flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                }
                check(flipped);
            }
        }
        System.out.println("bit flips that still decoded to a valid message: " + validDecodes);
    }

    @Test
    void hugeAndNegativeLengthsAndCountsAnywhere() {
        int[] evil = {Integer.MAX_VALUE, Integer.MIN_VALUE, -1, 0x7FFFFFF0, 1 << 30, 65_536, 65_537};
        for (ByteBuffer frame : validFrames(40)) {
            byte[] original = toBytes(frame);
            // Past the first few hundred bytes there is only payload: nothing left to lie about.
            for (int at = 0; at + 4 <= Math.min(original.length, 400); at++) {
                for (int value : evil) {
                    byte[] patched = original.clone();
                    ByteBuffer.wrap(patched).putInt(at, value);
                    check(patched);
                    ByteBuffer.wrap(patched).putInt(at, original.length - at + rnd.nextInt(16)); // just past the end
                    check(patched);
                }
                byte[] patched = original.clone();
                patched[at] = (byte) 0xFF; // an over-long string length byte
                check(patched);
            }
        }
    }

    /** Valid frames: one of each type and the edge cases, then random ones. */
    private List<ByteBuffer> validFrames(int randomOnes) {
        List<ByteBuffer> frames = new ArrayList<>();
        for (ProtocolMessage m : SampleMessages.all()) {
            frames.add(codec.encode(m));
        }
        for (int i = 0; i < randomOnes; i++) {
            frames.add(codec.encode(SampleMessages.random(rnd)));
        }
        return frames;
    }

    private void expectMalformed(byte[] bytes) {
        if (check(bytes) != null) {
            fail("decoded a truncated frame (seed " + seed + "): " + hex(bytes));
        }
    }

    /**
     * Decodes {@code bytes} as a whole frame and as a body; only a message or a
     * MalformedFrameException may come out, a decoded message must re-encode to the same
     * bytes, and the decode must allocate in proportion to the input.
     */
    private ProtocolMessage check(byte[] bytes) {
        ProtocolMessage whole = decodeChecked(bytes, true);
        ProtocolMessage body = bytes.length >= 4 ? decodeChecked(bytes, false) : null;
        if (whole != null) {
            validDecodes++;
            assertThat(body).as("whole frame decoded, so its body must").isNotNull();
            assertThat(toBytes(codec.encode(whole))).as("re-encoding, seed " + seed).isEqualTo(bytes);
        }
        return whole;
    }

    private ProtocolMessage decodeChecked(byte[] bytes, boolean wholeFrame) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        if (!wholeFrame) {
            buf.position(4);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        ProtocolMessage result = null;
        try {
            result = wholeFrame ? codec.decode(buf) : codec.decodeBody(buf);
        } catch (MalformedFrameException expected) {
            // the only acceptable failure
        } catch (Throwable t) {
            throw new AssertionError("decode threw " + t + " (seed " + seed + ") on " + hex(bytes), t);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        if (allocated > ALLOCATION_FACTOR * bytes.length + ALLOCATION_SLACK) {
            fail("decode of " + bytes.length + " bytes allocated " + allocated + " (seed " + seed + "): " + hex(bytes));
        }
        if (!wholeFrame) {
            checkConnectionDecoderAgrees(bytes, result);
        }
        try {
            codec.decodeHelloBody(ByteBuffer.wrap(bytes, Math.min(4, bytes.length), Math.max(0, bytes.length - 4)));
        } catch (MalformedFrameException expected) {
            // fine
        } catch (Throwable t) {
            throw new AssertionError("decodeHelloBody threw " + t + " (seed " + seed + ")", t);
        }
        return result;
    }

    /**
     * The connection decoder, fed the same body from a direct buffer as the transport does,
     * must give what the stateless decoder gave: the same message, or malformed.
     */
    private void checkConnectionDecoderAgrees(byte[] bytes, ProtocolMessage expected) {
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length + 8);
        direct.position(3).put(bytes).flip().position(3 + 4); // an offset body, as inside a read buffer
        long before = threads.getCurrentThreadAllocatedBytes();
        ProtocolMessage got;
        try {
            got = connection.decodeBody(direct);
        } catch (MalformedFrameException e) {
            got = null;
        } catch (Throwable t) {
            throw new AssertionError("connection decoder threw " + t + " (seed " + seed + ") on " + hex(bytes), t);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        if (allocated > ALLOCATION_FACTOR * bytes.length + ALLOCATION_SLACK) {
            fail("connection decode of " + bytes.length + " bytes allocated " + allocated + " (seed " + seed + ")");
        }
        if (expected == null) {
            assertThat(got).as("connection decoder on a malformed body, seed " + seed + ": " + hex(bytes)).isNull();
        } else {
            assertThat(got).as("connection decoder, seed " + seed + ": " + hex(bytes)).isNotNull();
            assertThat(toBytes(codec.encode(got))).as("connection decoder result, seed " + seed)
                    .isEqualTo(toBytes(codec.encode(expected)));
        }
    }

    private static byte[] toBytes(ByteBuffer frame) {
        byte[] bytes = new byte[frame.remaining()];
        frame.duplicate().get(bytes);
        return bytes;
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, 128); i++) {
            sb.append(String.format("%02x", bytes[i]));
        }
        return sb + (bytes.length > 128 ? "…" : "");
    }
}
