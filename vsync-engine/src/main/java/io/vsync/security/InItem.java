package io.vsync.security;

import io.vsync.message.ProtocolMessage;

/**
 * A received message kept back to keep its sender's order: ready, or an authentic GROUP frame
 * (its link tag checked) whose view key is not here yet, with where its ciphertext lies.
 */
record InItem(ProtocolMessage ready, String group, long viewId, long seq, byte[] frame, int labelEnd,
                      int sealedLength, SessionCipher cipher, long deadline) {
    static InItem ready(ProtocolMessage m, long deadline) {
        return new InItem(m, null, 0, 0, null, 0, 0, null, deadline);
    }

    int size() {
        return frame == null ? 64 : frame.length;
    }
}
