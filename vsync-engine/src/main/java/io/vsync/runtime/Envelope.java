package io.vsync.runtime;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What the runtime puts around an application payload: one type byte, then the type's header.
 * The protocol core never looks inside; queries, replies and state transfer ride on the same
 * multicast and point-to-point paths as plain messages.
 */
record Envelope(byte type, long id, int seq, byte status, byte[] raw, int bodyOffset) {

    static final byte MESSAGE = 0;
    /** A query request, multicast in total order: id = the requester's query number. */
    static final byte QUERY = 1;
    /** A query request to one member. */
    static final byte P2P_QUERY = 2;
    /** A reply: id = query number, status = {@link io.vsync.api.Reply.Status} ordinal. */
    static final byte REPLY = 3;
    /** A slice of a state checkpoint: id = the joiner's view id, seq from 0; status 1 = last. */
    static final byte STATE_CHUNK = 4;
    /** The joiner has consumed state chunks up to seq. */
    static final byte STATE_ACK = 5;
    /** The donor could not write the state: body = reason. */
    static final byte STATE_ABORT = 6;

    private static final int HEADER = 1 + 8 + 4 + 1;

    static byte[] message(byte[] payload) {
        byte[] out = new byte[payload.length + 1];
        out[0] = MESSAGE;
        System.arraycopy(payload, 0, out, 1, payload.length);
        return out;
    }

    static byte[] of(byte type, long id, int seq, byte status, byte[] body) {
        ByteBuffer out = ByteBuffer.allocate(HEADER + body.length);
        out.put(type).putLong(id).putInt(seq).put(status).put(body);
        return out.array();
    }

    /** @throws IllegalArgumentException when the bytes are not an envelope */
    static Envelope parse(byte[] bytes) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("empty payload");
        }
        byte type = bytes[0];
        if (type == MESSAGE) {
            return new Envelope(MESSAGE, 0, 0, (byte) 0, bytes, 1);
        }
        if (type < QUERY || type > STATE_ABORT || bytes.length < HEADER) {
            throw new IllegalArgumentException("not an envelope (type " + type + ", " + bytes.length + " bytes)");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        in.get();
        long id = in.getLong();
        int seq = in.getInt();
        byte status = in.get();
        return new Envelope(type, id, seq, status, bytes, HEADER);
    }

    /** The body as its own array (a copy). */
    byte[] body() {
        return Arrays.copyOfRange(raw, bodyOffset, raw.length);
    }

    int bodyLength() {
        return raw.length - bodyOffset;
    }
}
