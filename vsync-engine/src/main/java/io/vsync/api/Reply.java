package io.vsync.api;

/**
 * One member's answer to a query.
 *
 * @param from   the member that answered
 * @param status {@link Status#OK} with a value; {@link Status#NULL} when the member had no
 *               reply to give (no query handler for the type, or it returned null);
 *               {@link Status#ABORT} when its handler threw, with the reason in {@code error}
 */
public record Reply<R>(MemberId from, Status status, R value, String error) {

    /** Vsync's reply kinds: a value, a NullReply or an AbortReply. */
    public enum Status { OK, NULL, ABORT }

    public boolean ok() {
        return status == Status.OK;
    }
}
