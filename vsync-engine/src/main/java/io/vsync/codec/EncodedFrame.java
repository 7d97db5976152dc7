package io.vsync.codec;

import java.nio.ByteBuffer;

/**
 * One encoded frame, length prefix included, as the transport queues it: the encoded header
 * and fields, followed for a Data frame by its payload, which is referenced rather than
 * copied (it is immutable once sent). Immutable and shareable: a multicast is encoded once
 * and the same frame is queued to every peer.
 */
public final class EncodedFrame {
    private final byte[] head;
    private final int headLength;
    private final byte[] payload;

    EncodedFrame(byte[] head, int headLength, byte[] payload) {
        this.head = head;
        this.headLength = headLength;
        this.payload = payload;
    }

    /** Bytes on the wire, length prefix included. */
    public int length() {
        return headLength + (payload == null ? 0 : payload.length);
    }

    /**
     * Copies the frame's bytes from {@code offset} into {@code out}, as many as fit.
     *
     * @return the offset after the last byte copied; {@link #length()} when the frame is done
     */
    public int copyTo(ByteBuffer out, int offset) {
        if (offset < headLength) {
            int n = Math.min(out.remaining(), headLength - offset);
            out.put(head, offset, n);
            offset += n;
        }
        if (payload != null && offset >= headLength) {
            int from = offset - headLength;
            int n = Math.min(out.remaining(), payload.length - from);
            out.put(payload, from, n);
            offset += n;
        }
        return offset;
    }

    /** The whole frame in one new array (tests, and callers that need contiguous bytes). */
    public byte[] toBytes() {
        byte[] bytes = new byte[length()];
        copyTo(ByteBuffer.wrap(bytes), 0);
        return bytes;
    }
}
