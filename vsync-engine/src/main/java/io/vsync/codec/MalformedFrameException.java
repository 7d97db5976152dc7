package io.vsync.codec;

/**
 * A frame that cannot be decoded: truncated, over a bound, of an unknown version or type, or
 * otherwise inconsistent. Checked on purpose: bad bytes from the network are an expected
 * event that the transport must drop and count, never an exception thrown into the protocol.
 */
public final class MalformedFrameException extends Exception {

    public MalformedFrameException(String reason) {
        super(reason, null, false, false); // no stack trace: hostile input can make these often
    }
}
