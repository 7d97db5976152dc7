package io.vsync.security;

/**
 * Counters of a {@link SecureTransport} since start.
 *
 * @param handshakesCompleted   sessions this engine opened to peers and the peers accepted
 * @param handshakesRefused     handshakes from peers refused here: not authenticated with
 *                              this cluster's secret, or not addressed to this engine
 * @param refusedByPeers        handshakes of ours that a peer refused
 * @param unauthenticatedFrames frames dropped because they were not secure envelopes (a peer
 *                              without security), failed their authentication tag, or named a
 *                              session this engine does not hold
 * @param replayedFrames        authentic frames dropped because their sequence number was not
 *                              above the last one accepted on their session
 * @param undecryptableFrames   group traffic whose view key was wrong or that was not
 *                              group-sealed when it had to be
 * @param malformedEnvelopes    secure envelopes that could not be parsed, and authentic
 *                              frames whose content did not decode
 * @param droppedWaiting        frames dropped while waiting for a handshake or a view key
 *                              (over the bound, or waited too long)
 * @param viewKeysCreated       view keys generated here as the leader of a new view
 * @param viewKeysReceived      view keys received from other members
 * @param keyRequestsRefused    requests for a view key from a peer that is not in that view
 */
public record SecurityStats(long handshakesCompleted, long handshakesRefused, long refusedByPeers,
                            long unauthenticatedFrames, long replayedFrames, long undecryptableFrames,
                            long malformedEnvelopes, long droppedWaiting, long viewKeysCreated,
                            long viewKeysReceived, long keyRequestsRefused) {

    /** Every frame received and dropped by the security layer. */
    public long rejectedFrames() {
        return unauthenticatedFrames + replayedFrames + undecryptableFrames + malformedEnvelopes;
    }
}
