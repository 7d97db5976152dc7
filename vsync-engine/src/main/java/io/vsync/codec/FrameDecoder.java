package io.vsync.codec;

import io.vsync.message.ProtocolMessage;
import java.nio.ByteBuffer;

/**
 * Decodes the frames of one connection, in order, with one reused reader and a cache of the
 * group names and member ids lately decoded ({@link FrameCodec#newDecoder()}). Decoding is the
 * same as {@link FrameCodec#decodeBody}: same results, same errors; only repeated names are
 * shared instances instead of fresh ones. Not thread-safe: one per connection.
 */
public final class FrameDecoder {
    private final FrameReader reader = new FrameReader(null, new NameCache());

    FrameDecoder() {
    }

    /** Decodes one frame body (the buffer's remaining bytes, which it consumes); keeps no reference to it. */
    public ProtocolMessage decodeBody(ByteBuffer body) throws MalformedFrameException {
        reader.reset(body);
        try {
            return FrameCodec.readBody(reader);
        } finally {
            reader.reset(null);
        }
    }

    /** Decodes a body that must be a {@link Hello}. */
    public Hello decodeHelloBody(ByteBuffer body) throws MalformedFrameException {
        reader.reset(body);
        try {
            return FrameCodec.readHelloBody(reader);
        } finally {
            reader.reset(null);
        }
    }
}
