package io.vsync.codec;

import java.nio.charset.StandardCharsets;

/**
 * The UTF-8 bytes of the strings a codec wrote lately, so that a frame copies a group name or a
 * member address instead of encoding it again: every Data, Ack and token frame repeats the same
 * few. The encoder's counterpart of {@link NameCache}.
 *
 * <p>A fixed number of direct-mapped slots, so ever new strings only evict. Shared by every
 * thread that encodes with the codec, without locks: an entry is immutable (final fields), and
 * a thread that misses another's entry only encodes the string itself.
 */
final class EncodedNames {
    private static final int SLOTS = 64; // a power of two

    private final Entry[] entries = new Entry[SLOTS];

    /**
     * The UTF-8 bytes of {@code text}; the caller must not change them.
     *
     * @throws IllegalArgumentException when they are over {@link FrameCodec#MAX_STRING_BYTES}
     */
    byte[] utf8(String text, String what) {
        int slot = text.hashCode() & (SLOTS - 1);
        Entry e = entries[slot];
        if (e != null && (e.text == text || e.text.equals(text))) {
            return e.utf8;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > FrameCodec.MAX_STRING_BYTES) {
            throw new IllegalArgumentException(what + " is " + bytes.length + " bytes of UTF-8, over the wire limit of "
                    + FrameCodec.MAX_STRING_BYTES + ": " + text.substring(0, Math.min(text.length(), 40)) + "…");
        }
        entries[slot] = new Entry(text, bytes);
        return bytes;
    }

    private static final class Entry {
        final String text;
        final byte[] utf8;

        Entry(String text, byte[] utf8) {
            this.text = text;
            this.utf8 = utf8;
        }
    }
}
