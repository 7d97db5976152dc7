package io.vsync.transport;

/**
 * Counters of a transport's TLS layer since start.
 *
 * @param handshakesCompleted handshakes that completed and whose peer identity was accepted,
 *                            both directions
 * @param handshakesFailed    handshakes that failed: certificate not trusted or expired, no
 *                            common protocol or cipher, the peer closed or refused us
 * @param identityRefused     peers with a trusted certificate that does not name the address
 *                            they claim (the acceptor checks the Hello's listen address, the
 *                            connector the address it dialled)
 * @param plainRefused        connections from peers that do not use TLS
 */
public record TlsStats(long handshakesCompleted, long handshakesFailed, long identityRefused, long plainRefused) {

    /** Every connection refused or failed by the TLS layer. */
    public long refused() {
        return handshakesFailed + identityRefused + plainRefused;
    }
}
