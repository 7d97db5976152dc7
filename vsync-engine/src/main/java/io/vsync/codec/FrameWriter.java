package io.vsync.codec;

import io.vsync.api.MemberId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Big-endian writer of one frame into a heap buffer that grows as needed. Callers that know
 * the size up front (a Data frame: its payload) pass it, so the buffer is allocated once.
 */
final class FrameWriter {
    private ByteBuffer buf;

    FrameWriter(int expectedBytes) {
        buf = ByteBuffer.allocate(Math.max(expectedBytes, 64));
    }

    void u8(int value) {
        ensure(1);
        buf.put((byte) value);
    }

    void i32(int value) {
        ensure(4);
        buf.putInt(value);
    }

    void i64(long value) {
        ensure(8);
        buf.putLong(value);
    }

    void bool(boolean value) {
        u8(value ? 1 : 0);
    }

    /** A UTF-8 string of at most {@link FrameCodec#MAX_STRING_BYTES} bytes, behind a length byte. */
    void string(String value, String what) {
        int len = value.length();
        if (len <= FrameCodec.MAX_STRING_BYTES && isAscii(value)) {
            // Names are almost always ASCII: written char by char, no byte[] per string.
            ensure(1 + len);
            buf.put((byte) len);
            for (int i = 0; i < len; i++) {
                buf.put((byte) value.charAt(i));
            }
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > FrameCodec.MAX_STRING_BYTES) {
            throw new IllegalArgumentException(what + " is " + bytes.length + " bytes of UTF-8, over the wire limit of "
                    + FrameCodec.MAX_STRING_BYTES + ": " + value.substring(0, Math.min(value.length(), 40)) + "…");
        }
        ensure(1 + bytes.length);
        buf.put((byte) bytes.length).put(bytes);
    }

    void memberId(MemberId id) {
        string(id.address(), "member address");
        i64(id.incarnation());
    }

    /** Length-prefixed bytes. */
    void bytes(byte[] value) {
        ensure(4 + value.length);
        buf.putInt(value.length).put(value);
    }

    /** Bytes as they are, no length (it was written before them). */
    void raw(byte[] value) {
        ensure(value.length);
        buf.put(value);
    }

    void longs(long[] values) {
        ensure(4 + 8 * values.length);
        buf.putInt(values.length);
        for (long v : values) {
            buf.putLong(v);
        }
    }

    int position() {
        return buf.position();
    }

    void putInt(int index, int value) {
        buf.putInt(index, value);
    }

    void putByte(int index, byte value) {
        buf.put(index, value);
    }

    /** The written bytes, from 0, read-only: one encoded frame may be shared by many connections. */
    ByteBuffer finish() {
        return buf.flip().asReadOnlyBuffer();
    }

    /** The written bytes are {@code array()[0 .. position())}; the writer must not be used after. */
    byte[] array() {
        return buf.array();
    }

    private static boolean isAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private void ensure(int bytes) {
        if (buf.remaining() >= bytes) {
            return;
        }
        long wanted = Math.max((long) buf.capacity() * 2, (long) buf.position() + bytes);
        if (wanted > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("frame too large to encode");
        }
        ByteBuffer bigger = ByteBuffer.allocate((int) wanted);
        bigger.put(buf.flip());
        buf = bigger;
    }
}
