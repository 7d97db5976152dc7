package io.vsync.codec;

/**
 * The type byte of each frame. Codes are part of the wire format: never renumber, only add.
 */
final class FrameType {
    static final byte HEARTBEAT = 1;
    static final byte DATA = 2;
    static final byte ORDER_TOKEN = 3;
    static final byte ACK = 4;
    static final byte NAK = 5;
    static final byte JOIN_PROBE = 6;
    static final byte JOIN_PROBE_REPLY = 7;
    static final byte JOIN_REQUEST = 8;
    static final byte LEAVE_REQUEST = 9;
    static final byte SUSPICION = 10;
    static final byte PREPARE = 11;
    static final byte PROMISE = 12;
    static final byte ACCEPT = 13;
    static final byte ACCEPTED = 14;
    static final byte COMMIT = 15;
    static final byte REJECT = 16;
    static final byte NOT_MEMBER = 17;
    static final byte CATCH_UP = 18;
    /** Transport handshake; far from the protocol codes so that the two never collide. */
    static final byte HELLO = 100;

    private FrameType() {
    }
}
