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
 * would. Lookups compare against the name's bytes where they lie in the frame.
 * One per connection; not thread-safe.
 */
final class NameCache {
    private static final int SLOTS = 64; // a power of two

    private final byte[][] stringKeys = new byte[SLOTS][];
    private final String[] strings = new String[SLOTS];
    private final byte[][] memberKeys = new byte[SLOTS][];
    private final long[] memberIncarnations = new long[SLOTS];
    private final MemberId[] members = new MemberId[SLOTS];

    /** The cached string for the bytes {@code src[off .. off+len)}, or null. */
    String string(byte[] src, int off, int len) {
        int slot = hash(src, off, len) & (SLOTS - 1);
        byte[] key = stringKeys[slot];
        return key != null && same(key, src, off, len) ? strings[slot] : null;
    }

    void putString(byte[] src, int off, int len, String value) {
        int slot = hash(src, off, len) & (SLOTS - 1);
        stringKeys[slot] = Arrays.copyOfRange(src, off, off + len);
        strings[slot] = value;
    }

    /** The cached member for the address bytes {@code src[off .. off+len)} and the incarnation, or null. */
    MemberId member(byte[] src, int off, int len, long incarnation) {
        int slot = memberSlot(src, off, len, incarnation);
        byte[] key = memberKeys[slot];
        return key != null && memberIncarnations[slot] == incarnation && same(key, src, off, len) ? members[slot] : null;
    }

    void putMember(byte[] src, int off, int len, MemberId value) {
        int slot = memberSlot(src, off, len, value.incarnation());
        memberKeys[slot] = Arrays.copyOfRange(src, off, off + len);
        memberIncarnations[slot] = value.incarnation();
        members[slot] = value;
    }

    private static int memberSlot(byte[] src, int off, int len, long incarnation) {
        long h = (hash(src, off, len) * 0x9E3779B97F4A7C15L + incarnation) * 0xC2B2AE3D27D4EB4FL;
        return (int) (h >>> 58) & (SLOTS - 1);
    }

    private static int hash(byte[] src, int off, int len) {
        int h = len;
        for (int i = off; i < off + len; i++) {
            h = 31 * h + src[i];
        }
        return h ^ (h >>> 16);
    }

    private static boolean same(byte[] key, byte[] src, int off, int len) {
        return key.length == len && Arrays.equals(key, 0, len, src, off, off + len);
    }
}
