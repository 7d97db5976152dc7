package io.vsync.security;

import java.nio.charset.StandardCharsets;

/**
 * The secure envelope's constants and header: {@code magic, version, type}, and for sealed
 * frames the session id and sequence number. The layouts are in docs/security.md.
 */
final class Wire {
    static final int MAGIC = 0x53;
    /**
     * 4: a GROUP_SHARED envelope holds a batch of records ({@link SharedBatch}); 3: multicasts
     * sealed once for all receivers ({@link #GROUP_SHARED}, {@link SenderKeys}); 2 had group
     * frames per session only.
     */
    static final int VERSION = 4;
    static final int OFFER = 1;
    static final int ACCEPT = 2;
    static final int REJECT = 3;
    static final int RESET = 4;
    static final int LINK = 5;
    /** Group traffic with a link tag as well: verifiable by a receiver that lacks the view key yet. */
    static final int GROUP = 6;
    /** Group traffic under K_gv only: sent once the peer is known to hold the view key. */
    static final int GROUP_DIRECT = 7;
    /**
     * Multicasts sealed once under the sender's key of the view (K_sv), the same bytes to every
     * receiver that is known to hold the view key: no session id, a per-sender counter instead.
     * The plaintext is one or more records ({@code u32 length ‖ frame body}).
     */
    static final int GROUP_SHARED = 8;

    /** Kinds of a LINK frame's plaintext. */
    static final int K_MESSAGE = 0;
    static final int K_KEY_GRANT = 1;
    static final int K_KEY_REQUEST = 2;

    static final int NONCE_BYTES = 16;
    static final int SID_BYTES = 8;
    static final int HEADER = 3;
    static final int SEALED_HEADER = HEADER + SID_BYTES + 8;

    static final byte[] GROUP_KEY_LABEL = "vsync group v2".getBytes(StandardCharsets.UTF_8);
    static final byte[] SENDER_KEY_LABEL = "vsync sender v3".getBytes(StandardCharsets.UTF_8);

    private Wire() {
    }

    /** Writes the sealed header: magic, version, type, session id, sequence number. */
    static void sealedHeader(byte[] frame, int type, byte[] sid, long seq) {
        frame[0] = (byte) MAGIC;
        frame[1] = (byte) VERSION;
        frame[2] = (byte) type;
        System.arraycopy(sid, 0, frame, HEADER, SID_BYTES);
        for (int i = 0; i < 8; i++) {
            frame[HEADER + SID_BYTES + i] = (byte) (seq >>> (56 - 8 * i));
        }
    }

    /** Writes a string (u8 length + UTF-8) at {@code at}; returns the position after it. */
    static int string(byte[] frame, int at, byte[] utf8) {
        frame[at] = (byte) utf8.length;
        System.arraycopy(utf8, 0, frame, at + 1, utf8.length);
        return at + 1 + utf8.length;
    }

    static int i64(byte[] frame, int at, long v) {
        for (int i = 0; i < 8; i++) {
            frame[at + i] = (byte) (v >>> (56 - 8 * i));
        }
        return at + 8;
    }
}
