package io.vsync.transport;

import io.vsync.codec.FrameCodec;
import io.vsync.codec.MalformedFrameException;
import java.nio.ByteBuffer;

/**
 * Cuts a TCP byte stream into frames. Reads go into a direct buffer that holds many small
 * frames; a frame larger than that buffer is gathered into a heap buffer of exactly its size
 * (at most the frame cap, which is checked first).
 *
 * <p>A length field outside the cap, or a bad magic, means the stream has lost frame sync:
 * {@link #drain} throws and the connection must be closed. A frame that is merely undecodable
 * is the sink's business: it is dropped and the stream continues.
 */
final class FrameAssembler {
    /** Length prefix plus magic: enough to tell a frame from noise before waiting for its body. */
    private static final int SYNC_BYTES = FrameCodec.LENGTH_BYTES + 2;

    /**
     * Receives each complete frame's body (the bytes after the length prefix), from the
     * buffer's position to its limit. The buffer is only lent for the call: decode it there.
     */
    interface Sink {
        /** @throws MalformedFrameException when the stream can no longer be trusted */
        void frame(ByteBuffer body) throws MalformedFrameException;
    }

    private final FrameCodec codec;
    private final ByteBuffer buf; // write mode between calls
    private ByteBuffer big; // body of one frame larger than buf, being filled; else null

    FrameAssembler(FrameCodec codec, int bufferSize) {
        this.codec = codec;
        this.buf = ByteBuffer.allocateDirect(bufferSize);
    }

    /** Where the next read from the channel goes. */
    ByteBuffer readTarget() {
        return big != null ? big : buf;
    }

    /** Hands every complete frame received so far to {@code sink}, in order. */
    void drain(Sink sink) throws MalformedFrameException {
        if (big != null) {
            if (!big.hasRemaining()) {
                ByteBuffer body = big.flip();
                big = null; // buf is empty: it was emptied into big
                sink.frame(body);
            }
            return;
        }
        buf.flip();
        while (buf.remaining() >= SYNC_BYTES) {
            int start = buf.position();
            int length = buf.getInt(start);
            codec.checkLength(length);
            if (buf.getShort(start + FrameCodec.LENGTH_BYTES) != FrameCodec.MAGIC) {
                throw new MalformedFrameException("bad magic: stream out of sync");
            }
            int bodyStart = start + FrameCodec.LENGTH_BYTES;
            if (FrameCodec.LENGTH_BYTES + length > buf.capacity()) {
                // Everything left in buf is a prefix of this frame, which buf cannot hold.
                big = ByteBuffer.allocate(length);
                big.put(buf.position(bodyStart));
                buf.clear();
                return;
            }
            if (buf.remaining() < FrameCodec.LENGTH_BYTES + length) {
                break;
            }
            // The body is handed over in place, as buf itself narrowed to it (no slice object
            // per frame); the sink must not keep it, and buf is restored whatever it did.
            int end = bodyStart + length;
            int limit = buf.limit();
            buf.limit(end).position(bodyStart);
            try {
                sink.frame(buf);
            } finally {
                buf.limit(limit).position(end);
            }
        }
        buf.compact();
    }
}
