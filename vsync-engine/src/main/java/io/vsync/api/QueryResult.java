package io.vsync.api;

import java.util.List;

/**
 * The replies to a query, each with its sender.
 *
 * @param viewId   the view the request was delivered in (every reply was computed there, at
 *                 the same position in the group's order)
 * @param replies  the replies that arrived, in arrival order
 * @param failed   members of that view that failed or left before replying: not waited for
 * @param complete whether the quorum was reached; false means the timeout struck first
 */
public record QueryResult<R>(long viewId, List<Reply<R>> replies, List<MemberId> failed, boolean complete) {

    public QueryResult {
        replies = List.copyOf(replies);
        failed = List.copyOf(failed);
    }

    /** The values of the OK replies. */
    public List<R> values() {
        return replies.stream().filter(Reply::ok).map(Reply::value).toList();
    }

    /** This result, or a {@link QueryTimeoutException} when the quorum was not reached. */
    public QueryResult<R> orThrow() {
        if (!complete) {
            throw new QueryTimeoutException(this);
        }
        return this;
    }
}
