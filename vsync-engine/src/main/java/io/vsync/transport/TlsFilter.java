package io.vsync.transport;

import io.vsync.codec.FrameCodec;
import io.vsync.codec.MalformedFrameException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;

/**
 * One connection's TLS: an {@link SSLEngine} between the I/O loop and the socket.
 *
 * <p>Non-blocking throughout: the handshake advances whenever the loop reads or writes (the
 * connector starts it on its first write, the acceptor on its first read), delegated tasks
 * run inline (short for TLS 1.3), and while the handshake waits for the peer the connector's
 * queued frames stay queued ({@link #waitingForPeer()}) until the read that completes it asks
 * for a flush ({@link #readyToFlush()}). Records are unwrapped into a buffer of this filter's
 * own, so the loop may read into any buffer, however small. I/O thread only.
 */
final class TlsFilter implements ConnectionFilter {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /**
     * Application bytes encrypted per turn of the I/O loop. Encrypting costs far more than the
     * plain copy, and a peer that keeps up never fills the socket: without a budget one busy
     * connection would hold the I/O thread until its queue is empty, and the others (a
     * handshake waiting to be answered) would time out.
     */
    private static final int WRITE_BUDGET = 256 * 1024;

    private final TransportTls tls;
    private final SSLEngine engine;
    private final boolean client;
    private final FrameCodec codec;
    /** Connector: the address dialled. Acceptor: the remote socket address until the Hello names the peer. */
    private String peer;
    private ByteBuffer netIn;
    private ByteBuffer netOut;
    private ByteBuffer appIn;
    private boolean started;
    private boolean done;
    private boolean flushWanted;
    private boolean stalled;
    private boolean peerClosed;
    private boolean failed;
    /**
     * Connector only: a record arrived after our handshake completed. In TLS 1.3 the connector
     * finishes before the acceptor has checked its certificate, so a refusal can only show
     * afterwards: an alert, or (when the acceptor's close overtakes it) a bare reset.
     */
    private boolean confirmed;
    private X509Certificate peerCertificate;
    private int budget = WRITE_BUDGET;
    private boolean yielded;

    TlsFilter(TransportTls tls, boolean client, String peer, FrameCodec codec) {
        this.tls = tls;
        this.client = client;
        this.peer = peer;
        this.codec = codec;
        this.engine = tls.newEngine(client);
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet);
        this.netOut = ByteBuffer.allocate(packet);
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    }

    @Override
    public int read(SocketChannel channel, ByteBuffer dst) throws IOException {
        start(channel);
        flushNet(channel);
        if (appIn.position() == 0) {
            if (!stalled && !peerClosed) {
                if (!netIn.hasRemaining()) {
                    netIn = grow(netIn, engine.getSession().getPacketBufferSize());
                }
                if (readNet(channel) < 0) {
                    peerClosed = true;
                    if (!done) {
                        fail(Level.WARNING, "closed", client
                                ? "peer " + peer + " closed the connection during the TLS handshake: it does not"
                                + " trust our certificate, or is not a vsync engine"
                                : "TLS handshake from " + peer + " did not complete: the peer closed the connection");
                        throw new Refused("closed during the handshake");
                    }
                }
            }
            if (netIn.position() > 0) {
                unwrap(channel);
            }
        }
        int copied = copyOut(dst);
        return copied == 0 && peerClosed ? -1 : copied;
    }

    private int readNet(SocketChannel channel) throws IOException {
        int n;
        try {
            n = channel.read(netIn);
        } catch (IOException e) {
            unconfirmed();
            throw e;
        }
        if (n < 0) {
            unconfirmed();
        } else if (n > 0 && done) {
            confirmed = true;
        }
        return n;
    }

    /** The connection ended right after our handshake, before the acceptor said anything: it refused us. */
    private void unconfirmed() {
        if (client && done && !confirmed && !failed) {
            fail(Level.ERROR, "handshake", "TLS connection to peer " + peer + ": the peer closed it right after the"
                    + " handshake: it most likely does not trust our certificate, or it does not name our address");
            throw new Refused("closed after the handshake");
        }
    }

    @Override
    public int write(SocketChannel channel, ByteBuffer src) throws IOException {
        start(channel);
        flushNet(channel);
        if (netOut.position() > 0 || !done) {
            return 0;
        }
        if (yielded) { // a new turn of the loop
            yielded = false;
            budget = WRITE_BUDGET;
        }
        int taken = 0;
        while (src.hasRemaining()) {
            if (budget <= 0) {
                yielded = true; // leaves bytes in src: the loop comes back on OP_WRITE, after the others
                break;
            }
            SSLEngineResult r = wrap(channel, src);
            budget -= r.bytesConsumed();
            if (r.getStatus() == Status.CLOSED) {
                throw new IOException("TLS connection to " + peer + " closed");
            }
            taken += r.bytesConsumed();
            flushNet(channel);
            if (r.getStatus() == Status.BUFFER_OVERFLOW || netOut.position() > 0) {
                break; // socket full: wait for OP_WRITE
            }
        }
        return taken;
    }

    @Override
    public boolean waitingForPeer() {
        return !done && netOut.position() == 0;
    }

    @Override
    public boolean hasPendingOutput() {
        return netOut.position() > 0;
    }

    @Override
    public boolean hasBufferedInput() {
        return appIn.position() > 0 || stalled;
    }

    @Override
    public boolean readyToFlush() {
        boolean wanted = flushWanted;
        flushWanted = false;
        return wanted;
    }

    @Override
    public String refusal(String helloAddress) {
        if (peerCertificate == null) { // application bytes come only after a handshake: cannot happen
            return "no TLS handshake";
        }
        String why = tls.identityRefusal(peerCertificate, helloAddress);
        if (why != null) {
            tls.identityRefused.increment();
            tls.log(Level.WARNING, "identity", peer, "refused a TLS connection from " + peer + " claiming to be "
                    + helloAddress + ": " + why);
            return why;
        }
        tls.completed.increment();
        peer = helloAddress;
        return null;
    }

    @Override
    public void closing(SocketChannel channel) {
        if (!started || failed) {
            return;
        }
        try {
            engine.closeOutbound();
            wrap(channel, EMPTY);
            flushNet(channel);
        } catch (IOException | RuntimeException ignored) {
            // best effort: the channel closes anyway
        }
    }

    // ---- Handshake.

    private void start(SocketChannel channel) throws IOException {
        if (started) {
            return;
        }
        started = true;
        if (!client) {
            try {
                peer = "unidentified " + channel.getRemoteAddress();
            } catch (IOException e) {
                peer = "unidentified peer";
            }
        }
        engine.beginHandshake();
        handshake(channel, engine.getHandshakeStatus());
    }

    /** Runs the handshake as far as it goes without the peer's next bytes. */
    private void handshake(SocketChannel channel, HandshakeStatus hs) throws IOException {
        while (true) {
            switch (hs) {
                case NEED_TASK -> {
                    for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
                        task.run();
                    }
                    hs = engine.getHandshakeStatus();
                }
                case NEED_WRAP -> {
                    SSLEngineResult r = wrap(channel, EMPTY);
                    flushNet(channel);
                    if (r.getStatus() != Status.OK) {
                        return; // closed, or socket full: resumed on the next read or write
                    }
                    hs = r.getHandshakeStatus();
                }
                case FINISHED -> {
                    finished();
                    return;
                }
                default -> {
                    return; // NEED_UNWRAP: wait for the peer; NOT_HANDSHAKING: nothing to do
                }
            }
        }
    }

    private void finished() throws IOException {
        if (done) {
            return; // post-handshake messages (session tickets) report FINISHED again
        }
        done = true;
        Certificate[] chain = engine.getSession().getPeerCertificates();
        peerCertificate = (X509Certificate) chain[0];
        if (client) {
            String why = tls.identityRefusal(peerCertificate, peer);
            if (why != null) {
                tls.identityRefused.increment();
                failed = true;
                tls.log(Level.ERROR, "identity", peer, "refused peer " + peer + ": " + why);
                throw new Refused("peer certificate does not match its address");
            }
            tls.completed.increment();
            flushWanted = true;
        }
    }

    // ---- Records.

    private void unwrap(SocketChannel channel) throws IOException {
        netIn.flip();
        try {
            stalled = false;
            if (!done) {
                refuseNonTls(channel);
            }
            while (netIn.hasRemaining() && !peerClosed) {
                SSLEngineResult r = engine.unwrap(netIn, appIn);
                if (r.getStatus() == Status.BUFFER_OVERFLOW) {
                    if (appIn.position() > 0) {
                        stalled = true; // the caller takes what is there, then reads again
                        return;
                    }
                    appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                    continue;
                }
                if (r.getStatus() == Status.BUFFER_UNDERFLOW) {
                    return; // a partial record: wait for the rest
                }
                if (r.getStatus() == Status.CLOSED) {
                    peerClosed = true; // close_notify
                }
                handshake(channel, r.getHandshakeStatus());
                if (r.bytesConsumed() == 0 && r.bytesProduced() == 0
                        && engine.getHandshakeStatus() != HandshakeStatus.NEED_UNWRAP) {
                    return;
                }
            }
        } catch (SSLException e) {
            alertAndFail(channel, e);
            throw new Refused(e.getMessage());
        } finally {
            netIn.compact();
        }
    }

    /** A vsync frame or a plain engine's marker where a TLS record should be: a peer without TLS. */
    private void refuseNonTls(SocketChannel channel) throws IOException {
        int at = netIn.position();
        if (client && netIn.remaining() >= 6 && netIn.get(at) == PLAIN_ONLY[0] && netIn.get(at + 1) == PLAIN_ONLY[1]) {
            tls.plainRefused.increment();
            fail(Level.ERROR, "plain", "peer " + peer + " does not use TLS and refused our TLS connection: it has"
                    + " vsync.security.tls disabled and this engine enabled; use the same setting on all members");
            throw new Refused("peer does not use TLS");
        }
        if (!client && netIn.remaining() >= FrameCodec.LENGTH_BYTES + 2
                && netIn.getShort(at + FrameCodec.LENGTH_BYTES) == FrameCodec.MAGIC) {
            String who = plainPeer(at);
            try {
                channel.write(ByteBuffer.wrap(TLS_REQUIRED)); // one try; the peer logs why it was closed
            } catch (IOException ignored) {
                // closing anyway
            }
            tls.plainRefused.increment();
            fail(Level.WARNING, "plain", "refused a connection from " + who + ": it does not use TLS and this engine"
                    + " requires it (that peer has vsync.security.tls disabled); use the same setting on all members");
            throw new Refused("peer does not use TLS");
        }
    }

    /** The listen address in a plain peer's Hello, when it arrived whole; else the socket's address. */
    private String plainPeer(int at) {
        int length = netIn.getInt(at);
        if (length > 0 && netIn.remaining() >= FrameCodec.LENGTH_BYTES + length) {
            try {
                return codec.decodeHelloBody(netIn.slice(at + FrameCodec.LENGTH_BYTES, length)).listenAddress()
                        + " (" + peer + ")";
            } catch (MalformedFrameException | RuntimeException e) {
                return peer;
            }
        }
        return peer;
    }

    /** Wraps {@code src} into netOut, making room as needed; BUFFER_OVERFLOW only when netOut waits for the socket. */
    private SSLEngineResult wrap(SocketChannel channel, ByteBuffer src) throws IOException {
        try {
            while (true) {
                SSLEngineResult r = engine.wrap(src, netOut);
                if (r.getStatus() != Status.BUFFER_OVERFLOW) {
                    return r;
                }
                flushNet(channel);
                if (netOut.position() > 0) {
                    return r;
                }
                netOut = grow(netOut, engine.getSession().getPacketBufferSize());
            }
        } catch (SSLException e) {
            failed(e);
            throw new Refused(e.getMessage());
        }
    }

    private void flushNet(SocketChannel channel) throws IOException {
        if (netOut.position() == 0) {
            return;
        }
        netOut.flip();
        try {
            channel.write(netOut);
        } finally {
            netOut.compact();
        }
    }

    private int copyOut(ByteBuffer dst) {
        if (appIn.position() == 0) {
            return 0;
        }
        appIn.flip();
        int n = Math.min(appIn.remaining(), dst.remaining());
        dst.put(dst.position(), appIn, appIn.position(), n);
        dst.position(dst.position() + n);
        appIn.position(appIn.position() + n);
        appIn.compact();
        return n;
    }

    private static ByteBuffer grow(ByteBuffer b, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(atLeast, b.capacity() * 2));
        return bigger.put(b.flip());
    }

    // ---- Failures: counted, logged at most every 10 s per kind and host, never a secret.

    /** Sends the alert the engine has for a failed handshake (the peer then knows why), then fails. */
    private void alertAndFail(SocketChannel channel, SSLException e) {
        failed(e);
        try {
            engine.closeOutbound();
            engine.wrap(EMPTY, netOut);
            flushNet(channel);
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    private void failed(SSLException e) {
        if (failed) {
            return;
        }
        String why = explain(e);
        fail(client ? Level.ERROR : Level.WARNING, "handshake",
                (client ? "TLS connection to peer " + peer : "refused a TLS connection from " + peer) + ": " + why);
    }

    private void fail(Level level, String kind, String message) {
        if (failed) {
            return;
        }
        failed = true;
        if (!kind.equals("plain") && !kind.equals("identity")) {
            tls.failed.increment();
        }
        tls.log(level, kind, peer, message);
    }

    /** The JDK's reason, and what it usually means for a vsync cluster. */
    static String explain(SSLException e) {
        String m = String.valueOf(e.getMessage());
        String lower = m.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("certification path") || lower.contains("pkix")) {
            return "its certificate is not trusted by this engine's trust store (" + m + ")";
        }
        if (lower.contains("empty client certificate") || lower.contains("certificate_required")) {
            return "it presented no certificate issued by an authority this engine trusts (its certificate is not"
                    + " signed by this cluster's CA, or it has no key store) (" + m + ")";
        }
        if (lower.contains("bad_certificate") || lower.contains("certificate_unknown")
                || lower.contains("unsupported_certificate") || lower.contains("certificate_expired")) {
            return "the peer refused our certificate: it does not trust it, or it expired (" + m + ")";
        }
        if (lower.contains("expired") || lower.contains("not yet valid")) {
            return "a certificate is outside its validity period (" + m + ")";
        }
        if (lower.contains("protocol_version") || lower.contains("no appropriate protocol")
                || lower.contains("handshake_failure")) {
            return "no protocol or cipher suite in common: check vsync.security.tls protocols on both (" + m + ")";
        }
        return m;
    }
}
