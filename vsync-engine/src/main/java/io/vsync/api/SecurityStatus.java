package io.vsync.api;

import java.util.Map;
import java.util.Objects;

/**
 * The engine's cluster security: which mode, and what it refused, since start. Never contains
 * a secret or key material; the key epochs are view ids, public in every frame.
 *
 * @param mode                 how peers are authenticated
 * @param handshakesCompleted  sessions this engine opened to peers and the peers accepted
 * @param handshakesRefused    handshakes from peers refused here (not authenticated with this
 *                             cluster's secret, or not addressed to this engine)
 * @param refusedByPeers       handshakes of this engine that a peer refused
 * @param authenticationFailed frames dropped because they failed authentication, were not
 *                             secure, or named a session this engine does not hold
 * @param replayed             authentic frames dropped as replays (sequence number not above
 *                             the last accepted on their session)
 * @param wrongViewKey         group traffic that did not open with its view's key, or was not
 *                             sealed with one
 * @param malformed            secure envelopes that did not parse, and authentic content that
 *                             did not decode
 * @param droppedWaiting       frames dropped while waiting for a handshake or a view key
 * @param viewKeysCreated      view keys made here as the leader of a new view
 * @param viewKeysReceived     view keys received from other members
 * @param keyRequestsRefused   requests for a view key from a peer that is not in that view
 * @param keyEpochs            per group, the newest view whose key this engine holds
 * @param tls                  the TLS layer's counters ({@link Tls#NONE} without TLS)
 */
public record SecurityStatus(Mode mode, long handshakesCompleted, long handshakesRefused, long refusedByPeers,
                             long authenticationFailed, long replayed, long wrongViewKey, long malformed,
                             long droppedWaiting, long viewKeysCreated, long viewKeysReceived,
                             long keyRequestsRefused, Map<String, Long> keyEpochs, Tls tls) {

    /** How the engine authenticates its peers. */
    public enum Mode {
        /** No security: frames are neither authenticated nor encrypted. */
        OFF,
        /** A cluster secret shared by all engines (docs/security.md). */
        SHARED_SECRET,
        /** TLS with per-process certificates. */
        TLS
    }

    /**
     * What the TLS layer under the view keys did, since start.
     *
     * @param handshakesCompleted TLS handshakes that completed with a trusted peer certificate
     * @param handshakesFailed    TLS handshakes that failed (untrusted or expired certificate,
     *                            protocol mismatch, a peer that went away mid-handshake)
     * @param identityRefused     trusted certificates that did not name the address their peer
     *                            claimed
     * @param plainRefused        peers that spoke plain TCP to this TLS engine, or TLS to a plain one
     */
    public record Tls(long handshakesCompleted, long handshakesFailed, long identityRefused, long plainRefused) {

        /** No TLS layer. */
        public static final Tls NONE = new Tls(0, 0, 0, 0);
    }

    public SecurityStatus {
        Objects.requireNonNull(mode, "mode");
        keyEpochs = Map.copyOf(keyEpochs);
        tls = tls == null ? Tls.NONE : tls;
    }

    /** This status with the TLS layer's counters. */
    public SecurityStatus withTls(Tls counters) {
        return new SecurityStatus(mode, handshakesCompleted, handshakesRefused, refusedByPeers, authenticationFailed,
                replayed, wrongViewKey, malformed, droppedWaiting, viewKeysCreated, viewKeysReceived,
                keyRequestsRefused, keyEpochs, counters);
    }

    /** The status of an engine without security: everything zero. */
    public static SecurityStatus off() {
        return new SecurityStatus(Mode.OFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), Tls.NONE);
    }

    /** Every received frame the security layer dropped, whatever the reason. */
    public long rejectedFrames() {
        return authenticationFailed + replayed + wrongViewKey + malformed;
    }
}
