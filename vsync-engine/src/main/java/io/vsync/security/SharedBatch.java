package io.vsync.security;

import io.vsync.codec.EncodedFrame;
import io.vsync.codec.FrameCodec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The multicasts a batching sender queued in one batch for the same group, view and peers,
 * sealed together into one {@link Wire#GROUP_SHARED} envelope when the batch ends (or when
 * anything else is sent first, which keeps every peer's frames in the order they were sent).
 *
 * <p>Why: AES-GCM costs about 1.1 µs per seal-and-open pair before the first byte (the JDK's
 * per-{@code init} state, the tag, the counter block), against 0.36 µs per KB after it. Under
 * load a batch holds hundreds of multicasts, so sealing them together leaves mostly the
 * per-byte cost, and one envelope per peer instead of one per message.
 *
 * <p>The plaintext is a sequence of records, {@code u32 length ‖ body}, each an encoded frame
 * body. Used by the batching thread only, under the sender keys' lock.
 */
final class SharedBatch {
    /** Bytes before each record's body: its length. */
    static final int RECORD_HEADER = 4;

    /** Bytes of plaintext after which a batch is sealed and a new one begins. */
    private final int maxBytes;
    private byte[] buf = new byte[16 * 1024];
    private int length;
    private int records;
    private String group;
    private byte[] groupUtf8;
    private long viewId;
    private List<String> peers;
    private SenderKeys.SenderKey key;

    SharedBatch(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    boolean isEmpty() {
        return records == 0;
    }

    /** Whether a body of {@code len} bytes for {@code to} of this view continues the batch begun before. */
    boolean continues(String group, long viewId, Collection<String> to, int len) {
        return records > 0 && this.viewId == viewId && this.group.equals(group) && peers.equals(to)
                && length + RECORD_HEADER + len <= maxBytes;
    }

    /** Begins a batch (the previous one must have been sealed). */
    void start(String group, byte[] groupUtf8, long viewId, List<String> peers, SenderKeys.SenderKey key) {
        this.group = group;
        this.groupUtf8 = groupUtf8;
        this.viewId = viewId;
        this.peers = peers;
        this.key = key;
        this.length = 0;
        this.records = 0;
    }

    void append(byte[] body, int off, int len) {
        int at = reserve(len);
        System.arraycopy(body, off, buf, at, len);
    }

    /** Appends an encoded frame's body ({@code len} bytes after its length prefix), copied once. */
    void append(EncodedFrame frame, int len) {
        int at = reserve(len);
        frame.copyTo(ByteBuffer.wrap(buf, at, len), FrameCodec.LENGTH_BYTES);
    }

    /** Room for a record of {@code len} bytes, its header written; where its body goes. */
    private int reserve(int len) {
        int need = length + RECORD_HEADER + len;
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(need, 2 * buf.length));
        }
        putLength(buf, length, len);
        int at = length + RECORD_HEADER;
        length = need;
        records++;
        return at;
    }

    List<String> peers() {
        return peers;
    }

    /** Seals the batch under its sender key with the key's next counter and empties it; the envelope. */
    byte[] seal() {
        byte[] envelope = envelope(groupUtf8, viewId, ++key.counter, key, buf, 0, length);
        records = 0;
        length = 0;
        peers = null;
        key = null;
        return envelope;
    }

    /** One GROUP_SHARED envelope of {@code plain[off..off+len)} (records), sealed with counter {@code n}. */
    static byte[] envelope(byte[] groupUtf8, long viewId, long n, SenderKeys.SenderKey key, byte[] plain, int off,
                           int len) {
        int labelEnd = Wire.HEADER + 1 + groupUtf8.length + 8 + 8;
        byte[] envelope = new byte[labelEnd + len + Crypto.TAG_BYTES];
        envelope[0] = (byte) Wire.MAGIC;
        envelope[1] = (byte) Wire.VERSION;
        envelope[2] = (byte) Wire.GROUP_SHARED;
        Wire.i64(envelope, Wire.i64(envelope, Wire.string(envelope, Wire.HEADER, groupUtf8), viewId), n);
        key.seal(n, envelope, labelEnd, plain, off, len);
        return envelope;
    }

    /** Writes a record's length header at {@code b[at..at+4)}. */
    static void putLength(byte[] b, int at, int len) {
        b[at] = (byte) (len >>> 24);
        b[at + 1] = (byte) (len >>> 16);
        b[at + 2] = (byte) (len >>> 8);
        b[at + 3] = (byte) len;
    }

    /** The length header of the record at {@code b[at..at+4)}. */
    static int getLength(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }
}
