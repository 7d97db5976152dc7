package io.vsync.transport;

import io.vsync.codec.MalformedFrameException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Where a connection's bytes meet its socket: {@link #plainOutbound plain} pass-through, or
 * TLS ({@link TlsFilter}). The I/O loop reads and writes application bytes only through the
 * connection's filter, so TLS stays out of the loop. One per connection, I/O thread only.
 */
interface ConnectionFilter {
    /** Marker a plain acceptor writes to a peer that opened with a TLS handshake, before closing. */
    byte[] PLAIN_ONLY = "VSYNC-PLAIN-ONLY\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** Marker a TLS acceptor writes to a peer that opened without TLS, before closing. */
    byte[] TLS_REQUIRED = "VSYNC-TLS-REQUIRED\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * Reads application bytes into {@code dst}.
     *
     * @return bytes put into {@code dst}, 0 when none are available yet, -1 at the end of the stream
     * @throws MalformedFrameException when the peer's bytes show it cannot be spoken to at all
     */
    int read(SocketChannel channel, ByteBuffer dst) throws IOException, MalformedFrameException;

    /** Writes application bytes from {@code src}; returns how many it took (0 while the socket is full). */
    int write(SocketChannel channel, ByteBuffer src) throws IOException;

    /** True while it cannot take application bytes until the peer answers (a handshake): do not wait for OP_WRITE. */
    default boolean waitingForPeer() {
        return false;
    }

    /** True while it holds bytes for the socket that the socket did not take: wait for OP_WRITE. */
    default boolean hasPendingOutput() {
        return false;
    }

    /** True when bytes already taken from the socket are waiting: read again without waiting for the selector. */
    default boolean hasBufferedInput() {
        return false;
    }

    /**
     * True when a {@link #read} that filled less than {@code dst}'s room has taken every byte the
     * socket held (a pass-through filter), so the loop need not read again until the selector
     * reports more. False when the filter reads in records of its own (TLS).
     */
    default boolean shortReadEmptiesSocket() {
        return false;
    }

    /** True once, after a read completed a handshake: flush what waited for it. */
    default boolean readyToFlush() {
        return false;
    }

    /** Why a peer that named itself {@code helloAddress} is refused on this connection, or null. */
    default String refusal(String helloAddress) {
        return null;
    }

    /** A best-effort goodbye (TLS close_notify) just before the channel closes. */
    default void closing(SocketChannel channel) {
    }

    /**
     * The filter refused the connection (no TLS on the other side, an untrusted certificate,
     * a certificate for another address) and has logged why, rate-limited. The I/O loop closes
     * it without another log line, and backs off before dialling a peer that refused it again.
     */
    final class Refused extends RuntimeException {
        Refused(String why) {
            super(why, null, false, false);
        }
    }

    /** Plain sending side: nothing is ever expected back but the TLS marker of a peer that requires TLS. */
    static ConnectionFilter plainOutbound(String address, RateLimitedLog log) {
        return new PlainFilter(address, false, log);
    }

    /** Plain receiving side: recognises a peer that opens with a TLS handshake, and says so. */
    static ConnectionFilter plainInbound(RateLimitedLog log) {
        return new PlainFilter(null, true, log);
    }
}
