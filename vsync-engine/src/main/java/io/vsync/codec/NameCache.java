package io.vsync.codec;

import io.vsync.api.MemberId;
import java.nio.ByteBuffer;

/**
 * The group names and member ids a connection decoded lately, by their exact wire bytes, so
 * that steady traffic (the same group, the same few senders in every frame) decodes to the
 * same String and MemberId instances instead of allocating and validating new ones per frame.
 *
 * <p>A fixed number of direct-mapped slots: a hostile peer that sends ever new names only
 * evicts entries, it cannot grow the cache. An entry is stored only after its bytes passed
 * validation, and a hit requires the same bytes, so a hit returns exactly what decoding them
 * would. One per connection; not thread-safe.
 */
final class NameCache {
    private static final int SLOTS = 64; // a power of two

    private final byte[][] stringKeys = new byte[SLOTS][];
    private final String[] strings = new String[SLOTS];
    private final byte[][] memberKeys = new byte[SLOTS][];
    private final long[] memberIncarnations = new long[SLOTS];
    private final MemberId[] members = new MemberId[SLOTS];

    /** The cached string for the {@code len} bytes at {@code pos}, or null. */
    String string(ByteBuffer buf, int pos, int len) {
        int slot = hash(buf, pos, len) & (SLOTS - 1);
        byte[] key = stringKeys[slot];
        return key != null && same(key, buf, pos, len) ? strings[slot] : null;
    }

    void putString(ByteBuffer buf, int pos, int len, String value) {
        int slot = hash(buf, pos, len) & (SLOTS - 1);
        stringKeys[slot] = copy(buf, pos, len);
        strings[slot] = value;
    }

    /** The cached member for the address bytes at {@code pos} and the incarnation, or null. */
    MemberId member(ByteBuffer buf, int pos, int len, long incarnation) {
        int slot = memberSlot(buf, pos, len, incarnation);
        byte[] key = memberKeys[slot];
        return key != null && memberIncarnations[slot] == incarnation && same(key, buf, pos, len)
                ? members[slot] : null;
    }

    void putMember(ByteBuffer buf, int pos, int len, MemberId value) {
        int slot = memberSlot(buf, pos, len, value.incarnation());
        memberKeys[slot] = copy(buf, pos, len);
        memberIncarnations[slot] = value.incarnation();
        members[slot] = value;
    }

    private static int memberSlot(ByteBuffer buf, int pos, int len, long incarnation) {
        long h = hash(buf, pos, len) * 0x9E3779B97F4A7C15L + incarnation;
        h *= 0xC2B2AE3D27D4EB4FL;
        return (int) (h >>> 58) & (SLOTS - 1);
    }

    private static int hash(ByteBuffer buf, int pos, int len) {
        int h = len;
        for (int i = 0; i < len; i++) {
            h = 31 * h + buf.get(pos + i);
        }
        return h ^ (h >>> 16);
    }

    private static boolean same(byte[] key, ByteBuffer buf, int pos, int len) {
        if (key.length != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (key[i] != buf.get(pos + i)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] copy(ByteBuffer buf, int pos, int len) {
        byte[] bytes = new byte[len];
        buf.get(pos, bytes);
        return bytes;
    }
}
