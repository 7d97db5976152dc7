package io.vsync.message;

/**
 * A member's answer to a {@link Prepare}: it is wedged, and holds each old-view stream up to
 * {@code received}. If it already accepted a decision for this view change it reports it, and
 * the new proposer must adopt it (that is what makes a proposer's crash mid-change safe).
 */
public record Promise(String group, long viewId, Ballot ballot, long[] received, long tokensReceived,
                      Ballot acceptedBallot, Decision accepted) implements GroupMessage {
}
