package io.vsync.api;

/** How a message was multicast, and therefore which ordering it was delivered with. */
public enum DeliveryKind {
    /** {@code send}: FIFO per sender. */
    FIFO,
    /** {@code causalSend}: respects happened-before across senders. */
    CAUSAL,
    /** {@code orderedSend}: one total order at every member. */
    ORDERED,
    /** {@code safeSend}: total order, delivered once a quorum holds it. */
    SAFE,
    /** {@code p2pSend}: to one member only. */
    P2P;

    private static final DeliveryKind[] VALUES = values();

    /** Wire code; stable across releases. */
    public byte code() {
        return (byte) ordinal();
    }

    /** Inverse of {@link #code()}; null for an unknown code. */
    public static DeliveryKind fromCode(int code) {
        return code >= 0 && code < VALUES.length ? VALUES[code] : null;
    }
}
