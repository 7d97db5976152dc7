package io.vsync.codec;

import io.vsync.api.MemberId;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Big-endian reader over one frame body that checks every read against the bytes left
 * before it reads or allocates, so that no input can cause more than a
 * {@link MalformedFrameException}: no underflow, no negative size, no allocation larger than
 * the frame itself.
 *
 * <p>With a {@link NameCache} (a connection's reader, reused frame after frame) group names
 * and member ids that were seen lately are returned from the cache without allocating.
 */
final class FrameReader {
    /** Smallest encoded MemberId: a one-byte address behind its length byte, and the incarnation. */
    static final int MIN_MEMBER_ID_BYTES = 1 + 1 + 8;

    private final NameCache names;
    private ByteBuffer buf;

    FrameReader(ByteBuffer buf) {
        this(buf, null);
    }

    FrameReader(ByteBuffer buf, NameCache names) {
        this.buf = buf;
        this.names = names;
    }

    /** Points a reused reader at the next frame body (null: at nothing). */
    void reset(ByteBuffer body) {
        buf = body;
    }

    int u8() throws MalformedFrameException {
        need(1, "byte");
        return buf.get() & 0xFF;
    }

    byte i8() throws MalformedFrameException {
        need(1, "byte");
        return buf.get();
    }

    int i32() throws MalformedFrameException {
        need(4, "int");
        return buf.getInt();
    }

    long i64() throws MalformedFrameException {
        need(8, "long");
        return buf.getLong();
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
        buf.get(buf.position(), names.scratch, 0, len);
        String cached = names.string(len);
        if (cached != null) {
            buf.position(buf.position() + len);
            return cached;
        }
        String value = utf8(len, what);
        names.putString(len, value);
        return value;
    }

    MemberId memberId(String what) throws MalformedFrameException {
        int len = u8();
        need(len, what);
        boolean lookup = names != null && buf.remaining() >= len + 8;
        if (lookup) {
            int pos = buf.position();
            buf.get(pos, names.scratch, 0, len);
            MemberId cached = names.member(len, buf.getLong(pos + len));
            if (cached != null) {
                buf.position(pos + len + 8);
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
            names.putMember(len, id); // the scratch still holds the address bytes
        }
        return id;
    }

    byte[] bytes(String what) throws MalformedFrameException {
        int len = i32();
        if (len < 0 || len > buf.remaining()) {
            throw new MalformedFrameException(what + ": length " + len + " with " + buf.remaining() + " bytes left");
        }
        byte[] bytes = new byte[len];
        buf.get(bytes);
        return bytes;
    }

    long[] longs(String what) throws MalformedFrameException {
        int n = count(8, FrameCodec.MAX_LIST_ELEMENTS, what);
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = buf.getLong();
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
        if ((long) n * minElementBytes > buf.remaining()) {
            throw new MalformedFrameException(what + ": count " + n + " cannot fit in " + buf.remaining() + " bytes");
        }
        return n;
    }

    void expectEnd() throws MalformedFrameException {
        if (buf.hasRemaining()) {
            throw new MalformedFrameException(buf.remaining() + " trailing bytes");
        }
    }

    private void need(int bytes, String what) throws MalformedFrameException {
        if (buf.remaining() < bytes) {
            throw new MalformedFrameException("truncated " + what + ": need " + bytes + ", have " + buf.remaining());
        }
    }

    /** The next {@code len} bytes (already checked present) as UTF-8. */
    private String utf8(int len, String what) throws MalformedFrameException {
        byte[] bytes = new byte[len];
        buf.get(bytes);
        for (byte b : bytes) {
            if (b < 0) {
                try {
                    return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
                } catch (CharacterCodingException e) {
                    throw new MalformedFrameException(what + ": invalid UTF-8");
                }
            }
        }
        return new String(bytes, StandardCharsets.ISO_8859_1); // all ASCII: the fast, common case
    }
}
