package io.vsync.codec;

import io.vsync.api.MemberId;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Big-endian writer of one frame into a heap array that grows as needed. Callers that know
 * the size up front (a Data frame: its payload) pass it, so the array is allocated once.
 *
 * <p>It writes the bytes itself rather than through a {@link ByteBuffer}: every frame of the
 * engine passes through here, and a {@code ByteBuffer.putLong} is a tree of about twenty small
 * JDK methods that the JIT has to inline into every caller, which made the encoding paths the
 * largest compilations of a warming member (Finding 14 in docs/benchmarks.md).
 */
final class FrameWriter {
    private final EncodedNames names;
    private byte[] buf;
    private int pos;

    FrameWriter(int expectedBytes, EncodedNames names) {
        this.names = names;
        buf = new byte[Math.max(expectedBytes, 64)];
    }

    void u8(int value) {
        ensure(1);
        buf[pos++] = (byte) value;
    }

    void i32(int value) {
        ensure(4);
        putInt(pos, value);
        pos += 4;
    }

    void i64(long value) {
        ensure(8);
        putLong(pos, value);
        pos += 8;
    }

    void bool(boolean value) {
        u8(value ? 1 : 0);
    }

    /** A UTF-8 string of at most {@link FrameCodec#MAX_STRING_BYTES} bytes, behind a length byte. */
    void string(String value, String what) {
        byte[] utf8 = names.utf8(value, what);
        u8(utf8.length);
        raw(utf8);
    }

    void memberId(MemberId id) {
        string(id.address(), "member address");
        i64(id.incarnation());
    }

    /** Length-prefixed bytes. */
    void bytes(byte[] value) {
        i32(value.length);
        raw(value);
    }

    /** Bytes as they are, no length (it was written before them). */
    void raw(byte[] value) {
        ensure(value.length);
        System.arraycopy(value, 0, buf, pos, value.length);
        pos += value.length;
    }

    void longs(long[] values) {
        ensure(4 + 8 * values.length);
        putInt(pos, values.length);
        pos += 4;
        for (long v : values) {
            putLong(pos, v);
            pos += 8;
        }
    }

    int position() {
        return pos;
    }

    void putInt(int index, int value) {
        buf[index] = (byte) (value >>> 24);
        buf[index + 1] = (byte) (value >>> 16);
        buf[index + 2] = (byte) (value >>> 8);
        buf[index + 3] = (byte) value;
    }

    void putByte(int index, byte value) {
        buf[index] = value;
    }

    /** The written bytes, from 0, read-only: one encoded frame may be shared by many connections. */
    ByteBuffer finish() {
        return ByteBuffer.wrap(buf, 0, pos).asReadOnlyBuffer();
    }

    /** The written bytes are {@code array()[0 .. position())}; the writer must not be used after. */
    byte[] array() {
        return buf;
    }

    private void putLong(int index, long value) {
        putInt(index, (int) (value >>> 32));
        putInt(index + 4, (int) value);
    }

    private void ensure(int bytes) {
        if (buf.length - pos < bytes) {
            grow(bytes);
        }
    }

    // Apart from ensure so that the JIT, which inlines ensure into every field write, leaves
    // this rarely taken path out of line instead of copying it into each of them.
    private void grow(int bytes) {
        long wanted = Math.max((long) buf.length * 2, (long) pos + bytes);
        if (wanted > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("frame too large to encode");
        }
        buf = Arrays.copyOf(buf, (int) wanted);
    }
}
