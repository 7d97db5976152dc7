package io.vsync.runtime;

import io.vsync.api.MemberId;
import io.vsync.api.QueryResult;
import io.vsync.api.Quorum;
import io.vsync.api.Reply;
import io.vsync.api.View;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The requester's side of one query: which members must answer (those of the view the request
 * was delivered in), who did, who failed meanwhile. Called from the protocol thread and the
 * timeout timer.
 */
final class QueryCall<R> {

    final long id;
    final Class<R> replyType;
    final CompletableFuture<QueryResult<R>> future = new CompletableFuture<>();
    private final Quorum quorum;
    private final MemberId onlyFrom;
    private View requestView;
    private final List<Reply<R>> replies = new ArrayList<>();
    private final Set<MemberId> replied = new HashSet<>();
    private final Set<MemberId> failed = new LinkedHashSet<>();

    /** @param onlyFrom the one member asked, for a point-to-point query; null for the group */
    QueryCall(long id, Quorum quorum, Class<R> replyType, MemberId onlyFrom, View currentView) {
        this.id = id;
        this.quorum = quorum;
        this.replyType = replyType;
        this.onlyFrom = onlyFrom;
        if (onlyFrom != null) {
            this.requestView = currentView;
        }
    }

    /** The request was delivered here, in this view: its members are the ones to answer. */
    synchronized void requestDelivered(View view) {
        if (requestView == null) {
            requestView = view;
            maybeComplete();
        }
    }

    synchronized void reply(Reply<R> reply) {
        if (future.isDone() || !replied.add(reply.from()) || !expected(reply.from())) {
            return;
        }
        replies.add(reply);
        maybeComplete();
    }

    /** A new view: members of the request's view that are gone will never answer. */
    synchronized void viewChanged(View view) {
        if (requestView == null) {
            return;
        }
        for (MemberId m : requestView.members()) {
            if (expected(m) && !view.contains(m) && !replied.contains(m)) {
                failed.add(m);
            }
        }
        maybeComplete();
    }

    synchronized void timeout() {
        finish(false);
    }

    /** The requester left the group or the engine stopped. */
    synchronized void abandon(Throwable why) {
        future.completeExceptionally(why);
    }

    private boolean expected(MemberId m) {
        return onlyFrom == null ? requestView == null || requestView.contains(m) : onlyFrom.equals(m);
    }

    private void maybeComplete() {
        if (requestView == null || future.isDone()) {
            return;
        }
        int size = onlyFrom == null ? requestView.size() : 1;
        int needed = onlyFrom == null ? quorum.needed(size) : 1;
        if (replies.size() >= needed) {
            finish(true);
        } else if (replies.size() + failed.size() >= size) {
            // Everyone answered or failed: for ALL that is the quorum of the survivors.
            finish(quorum instanceof Quorum.All && !replies.isEmpty() || onlyFrom == null && replies.size() >= needed);
        }
    }

    private void finish(boolean complete) {
        if (!future.isDone()) {
            long viewId = requestView == null ? 0 : requestView.id();
            future.complete(new QueryResult<>(viewId, replies, List.copyOf(failed), complete));
        }
    }
}
