package io.vsync.transport;

import io.vsync.codec.MalformedFrameException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * No TLS: bytes go straight to the socket. Its only extra work, on the first read of a
 * connection, tells a peer configured for TLS from a corrupt stream, so that a cluster with
 * mixed settings says why on both sides instead of "bad length".
 */
final class PlainFilter implements ConnectionFilter {
    /** TLS record type "handshake" and major version 3: how every TLS ClientHello starts. */
    private static final int TLS_HANDSHAKE = 0x16;
    private static final int TLS_MAJOR = 0x03;

    private final String address;
    private final RateLimitedLog log;
    private boolean first;

    PlainFilter(String address, boolean inbound, RateLimitedLog log) {
        this.address = address;
        this.first = inbound;
        this.log = log;
    }

    @Override
    public int read(SocketChannel channel, ByteBuffer dst) throws IOException, MalformedFrameException {
        int start = dst.position();
        int n = channel.read(dst);
        if (n > 0 && address != null) {
            sendingSideGotBytes(dst, start, n);
        }
        if (first && n > 0) {
            if (dst.position() - start < 2) {
                return n; // rare: one byte only; the frame check catches a TLS stream anyway
            }
            first = false;
            if ((dst.get(start) & 0xFF) == TLS_HANDSHAKE && dst.get(start + 1) == TLS_MAJOR) {
                try {
                    channel.write(ByteBuffer.wrap(PLAIN_ONLY)); // one try; the peer logs why it was closed
                } catch (IOException ignored) {
                    // closing anyway
                }
                String from = String.valueOf(channel.getRemoteAddress());
                log.log(Level.WARNING, "tls", from.substring(0, Math.max(0, from.lastIndexOf(':'))),
                        "refused a connection from unidentified " + from + ": the peer opened a TLS handshake, and"
                        + " this engine does not use TLS (that peer has vsync.security.tls enabled and this one not);"
                        + " use the same setting on all members");
                throw new Refused("peer uses TLS");
            }
        }
        return n;
    }

    @Override
    public boolean shortReadEmptiesSocket() {
        return true;
    }

    /** A peer never writes on our sending connection; if it does, it is a TLS acceptor refusing us. */
    private void sendingSideGotBytes(ByteBuffer dst, int start, int n) throws IOException {
        if (n >= TLS_REQUIRED.length - 1 && startsWith(dst, start, TLS_REQUIRED)) {
            log.log(Level.ERROR, "tls", address, "peer " + address + " refused our connection: it requires TLS and"
                    + " this engine does not use it; set vsync.security.tls the same on all members");
            throw new Refused("peer requires TLS");
        }
    }

    static boolean startsWith(ByteBuffer b, int start, byte[] prefix) {
        if (b.position() - start < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b.get(start + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int write(SocketChannel channel, ByteBuffer src) throws IOException {
        return channel.write(src);
    }
}
