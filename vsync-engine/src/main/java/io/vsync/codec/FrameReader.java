package io.vsync.codec;

import io.vsync.api.MemberId;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Big-endian reader over one frame body that checks every read against the bytes left
 * before it reads or allocates, so that no input can cause more than a
 * {@link MalformedFrameException}: no underflow, no negative size, no allocation larger than
 * the frame itself.
 *
 * <p>It reads a heap array with its own index: a heap body in place; a direct one (the
 * socket's read buffer) through a reused array that bulk copies fill as far as the reads need,
 * while a payload is copied straight from the buffer into its own array, once. Reading through
 * {@code ByteBuffer.getLong} and friends instead puts a tree of about twenty JDK methods per
 * field into every compiled caller, which made frame decoding one of the largest compilations
 * of a warming member (Finding 14 in docs/benchmarks.md).
 *
 * <p>With a {@link NameCache} (a connection's reader, reused frame after frame) group names
 * and member ids that were seen lately are returned from the cache without allocating.
 */
final class FrameReader {
    /** Smallest encoded MemberId: a one-byte address behind its length byte, and the incarnation. */
    static final int MIN_MEMBER_ID_BYTES = 1 + 1 + 8;

    private static final byte[] NOTHING = new byte[0];

    /**
     * Bytes a fill copies at least. The first fill, when the reader is pointed at a direct
     * body, takes a whole Data head, acknowledgement or small token, so their reads never fill
     * again and the filling path stays cold.
     */
    private static final int FILL_AHEAD = 256;

    private final NameCache names;
    /** Where a direct body is copied to; grows as far as reads went, which the read buffer bounds. */
    private byte[] copy = NOTHING;
    /** The body as given, marked consumed by {@link #expectEnd}. */
    private ByteBuffer source;
    /** Direct body only: the buffer index of {@code a[0]}. */
    private int sourceBase;
    private byte[] a = NOTHING;
    private int pos;
    private int end;
    /** {@code a[.. filled)} holds the body's bytes: all of a heap body, of a direct one what reads needed. */
    private int filled;

    FrameReader(ByteBuffer buf) {
        this(buf, null);
    }

    FrameReader(ByteBuffer buf, NameCache names) {
        this.names = names;
        reset(buf);
    }

    /** Points a reused reader at the next frame body (null: at nothing). */
    void reset(ByteBuffer body) {
        source = body;
        if (body == null) {
            a = NOTHING;
            pos = 0;
            end = 0;
            filled = 0;
        } else if (body.hasArray()) {
            a = body.array();
            pos = body.arrayOffset() + body.position();
            end = body.arrayOffset() + body.limit();
            filled = end;
        } else {
            a = copy;
            sourceBase = body.position();
            pos = 0;
            end = body.remaining();
            filled = 0;
            fill(0);
        }
    }

    int u8() throws MalformedFrameException {
        need(1, "byte");
        return a[pos++] & 0xFF;
    }

    byte i8() throws MalformedFrameException {
        need(1, "byte");
        return a[pos++];
    }

    int i32() throws MalformedFrameException {
        need(4, "int");
        int v = intAt(a, pos);
        pos += 4;
        return v;
    }

    long i64() throws MalformedFrameException {
        need(8, "long");
        long v = longAt(a, pos);
        pos += 8;
        return v;
    }

    boolean bool(String what) throws MalformedFrameException {
        int b = u8();
        if (b > 1) {
            throw new MalformedFrameException(what + ": boolean byte " + b);
        }
        return b == 1;
    }

    /** A presence byte before a nullable field: 0 absent, 1 present, anything else malformed. */
    boolean present(String what) throws MalformedFrameException {
        return bool(what + " presence");
    }

    String string(String what) throws MalformedFrameException {
        int len = u8();
        need(len, what);
        if (names == null) {
            return utf8(len, what);
        }
        int at = pos;
        String cached = names.string(a, at, len);
        if (cached != null) {
            pos += len;
            return cached;
        }
        String value = utf8(len, what);
        names.putString(a, at, len, value);
        return value;
    }

    MemberId memberId(String what) throws MalformedFrameException {
        int len = u8();
        need(len, what);
        int at = pos;
        boolean lookup = names != null && end - at >= len + 8;
        if (lookup) {
            if (at + len + 8 > filled) {
                fill(at + len + 8);
            }
            MemberId cached = names.member(a, at, len, longAt(a, at + len));
            if (cached != null) {
                pos = at + len + 8;
                return cached;
            }
        }
        String address = utf8(len, what);
        long incarnation = i64();
        if (address.isBlank()) {
            throw new MalformedFrameException(what + ": blank address");
        }
        MemberId id = new MemberId(address, incarnation);
        if (lookup) {
            names.putMember(a, at, len, id);
        }
        return id;
    }

    byte[] bytes(String what) throws MalformedFrameException {
        int len = i32();
        if (len < 0 || len > end - pos) {
            throw new MalformedFrameException(what + ": length " + len + " with " + (end - pos) + " bytes left");
        }
        byte[] bytes = new byte[len];
        int fromArray = Math.max(0, Math.min(len, filled - pos));
        System.arraycopy(a, pos, bytes, 0, fromArray);
        if (fromArray < len) { // the rest of a direct body's payload, never copied into the array
            source.get(sourceBase + pos + fromArray, bytes, fromArray, len - fromArray);
        }
        pos += len;
        return bytes;
    }

    long[] longs(String what) throws MalformedFrameException {
        int n = count(8, FrameCodec.MAX_LIST_ELEMENTS, what);
        need(8 * n, what);
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = longAt(a, pos);
            pos += 8;
        }
        return values;
    }

    List<MemberId> memberIds(String what) throws MalformedFrameException {
        int n = count(MIN_MEMBER_ID_BYTES, FrameCodec.MAX_LIST_ELEMENTS, what);
        List<MemberId> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(memberId(what));
        }
        return ids;
    }

    /**
     * An element count, checked against the cap and against the bytes left (each element
     * needing at least {@code minElementBytes}) before anything is sized by it.
     */
    int count(int minElementBytes, int cap, String what) throws MalformedFrameException {
        int n = i32();
        if (n < 0 || n > cap) {
            throw new MalformedFrameException(what + ": count " + n + " outside 0.." + cap);
        }
        if ((long) n * minElementBytes > end - pos) {
            throw new MalformedFrameException(what + ": count " + n + " cannot fit in " + (end - pos) + " bytes");
        }
        return n;
    }

    /** Checks that the whole body was read, and marks the given buffer consumed. */
    void expectEnd() throws MalformedFrameException {
        if (pos < end) {
            throw new MalformedFrameException((end - pos) + " trailing bytes");
        }
        source.position(source.limit());
    }

    private void need(int bytes, String what) throws MalformedFrameException {
        if (end - pos < bytes) {
            throw new MalformedFrameException("truncated " + what + ": need " + bytes + ", have " + (end - pos));
        }
        if (pos + bytes > filled) {
            fill(pos + bytes);
        }
    }

    /** Copies a direct body's bytes from the read position up to {@code upTo}, and a little beyond, into the array. */
    private void fill(int upTo) {
        int from = Math.max(filled, pos);
        int to = Math.min(end, Math.max(upTo, from + FILL_AHEAD));
        if (copy.length < to) {
            copy = Arrays.copyOf(copy, Math.min(end, Math.max(to, 2 * copy.length)));
            a = copy;
        }
        source.get(sourceBase + from, copy, from, to - from);
        filled = to;
    }

    /** The next {@code len} bytes (already checked present) as UTF-8. */
    private String utf8(int len, String what) throws MalformedFrameException {
        int at = pos;
        pos += len;
        for (int i = at; i < at + len; i++) {
            if (a[i] < 0) {
                try {
                    return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(a, at, len)).toString();
                } catch (CharacterCodingException e) {
                    throw new MalformedFrameException(what + ": invalid UTF-8");
                }
            }
        }
        return new String(a, at, len, StandardCharsets.ISO_8859_1); // all ASCII: the fast, common case
    }

    private static int intAt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    private static long longAt(byte[] b, int at) {
        return (long) intAt(b, at) << 32 | (intAt(b, at + 4) & 0xFFFFFFFFL);
    }
}
