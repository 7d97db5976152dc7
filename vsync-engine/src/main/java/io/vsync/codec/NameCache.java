package io.vsync.codec;

import io.vsync.api.MemberId;
import java.util.Arrays;

/**
 * The group names and member ids a connection decoded lately, by their exact wire bytes, so
 * that steady traffic (the same group, the same few senders in every frame) decodes to the
 * same String and MemberId instances instead of allocating and validating new ones per frame.
 *
 * <p>A fixed number of direct-mapped slots: a hostile peer that sends ever new names only
 * evicts entries, it cannot grow the cache. An entry is stored only after its bytes passed
 * validation, and a hit requires the same bytes, so a hit returns exactly what decoding them
 * would. Lookups take the bytes from a scratch array the reader filled with one bulk copy.
 * One per connection; not thread-safe.
 */
final class NameCache {
    private static final int SLOTS = 64; // a power of two

    /** Where the reader puts a name's bytes for a lookup: a wire string is at most 255 bytes. */
    final byte[] scratch = new byte[FrameCodec.MAX_STRING_BYTES];

    private final byte[][] stringKeys = new byte[SLOTS][];
    private final String[] strings = new String[SLOTS];
    private final byte[][] memberKeys = new byte[SLOTS][];
    private final long[] memberIncarnations = new long[SLOTS];
    private final MemberId[] members = new MemberId[SLOTS];

    /** The cached string for the first {@code len} bytes of {@link #scratch}, or null. */
    String string(int len) {
        int slot = hash(len) & (SLOTS - 1);
        byte[] key = stringKeys[slot];
        return key != null && same(key, len) ? strings[slot] : null;
    }

    void putString(int len, String value) {
        int slot = hash(len) & (SLOTS - 1);
        stringKeys[slot] = Arrays.copyOf(scratch, len);
        strings[slot] = value;
    }

    /** The cached member for the address in the first {@code len} bytes of {@link #scratch}, or null. */
    MemberId member(int len, long incarnation) {
        int slot = memberSlot(len, incarnation);
        byte[] key = memberKeys[slot];
        return key != null && memberIncarnations[slot] == incarnation && same(key, len) ? members[slot] : null;
    }

    void putMember(int len, MemberId value) {
        int slot = memberSlot(len, value.incarnation());
        memberKeys[slot] = Arrays.copyOf(scratch, len);
        memberIncarnations[slot] = value.incarnation();
        members[slot] = value;
    }

    private int memberSlot(int len, long incarnation) {
        long h = (hash(len) * 0x9E3779B97F4A7C15L + incarnation) * 0xC2B2AE3D27D4EB4FL;
        return (int) (h >>> 58) & (SLOTS - 1);
    }

    private int hash(int len) {
        int h = len;
        for (int i = 0; i < len; i++) {
            h = 31 * h + scratch[i];
        }
        return h ^ (h >>> 16);
    }

    private boolean same(byte[] key, int len) {
        return key.length == len && Arrays.equals(key, 0, len, scratch, 0, len);
    }
}
