package io.vsync.multicast;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The causal past a {@code causalSend} message carries in front of its payload: how far its
 * sender had delivered each stream of the view when it sent it. Uniform, FIFO delivery makes
 * that vector enough: a receiver that has delivered as much of every stream has delivered
 * everything the sender had seen.
 */
final class CausalPast {

    private CausalPast() {
    }

    static byte[] prefix(long[] delivered, byte[] payload) {
        ByteBuffer out = ByteBuffer.allocate(4 + 8 * delivered.length + payload.length);
        out.putInt(delivered.length);
        for (long d : delivered) {
            out.putLong(d);
        }
        return out.put(payload).array();
    }

    /**
     * Whether everything in the message's past is delivered here. A malformed prefix counts as
     * satisfied: the message is then delivered as it stands rather than blocking the stream.
     */
    static boolean satisfied(byte[] firstFragment, long[] delivered) {
        if (firstFragment.length < 4) {
            return true;
        }
        ByteBuffer in = ByteBuffer.wrap(firstFragment);
        int n = in.getInt();
        if (n != delivered.length || in.remaining() < 8L * n) {
            return true;
        }
        for (int r = 0; r < n; r++) {
            if (delivered[r] < in.getLong()) {
                return false;
            }
        }
        return true;
    }

    static byte[] strip(byte[] payload) {
        if (payload.length < 4) {
            return payload;
        }
        int n = ByteBuffer.wrap(payload).getInt();
        long header = 4L + 8L * n; // in long: a hostile n must not wrap around (fuzzing finding F3)
        if (n < 0 || header > payload.length) {
            return payload;
        }
        return Arrays.copyOfRange(payload, (int) header, payload.length);
    }
}
