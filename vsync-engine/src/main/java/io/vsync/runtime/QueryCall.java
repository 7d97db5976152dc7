package io.vsync.runtime;

import io.vsync.api.MemberId;
import io.vsync.api.QueryResult;
import io.vsync.api.Quorum;
import io.vsync.api.Reply;
import io.vsync.api.View;
import io.vsync.query.ReplyCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The requester's side of one query: a {@link ReplyCollector} (who must answer, who did, who
 * failed) plus the replies' values and the future the application waits on. Called from the
 * protocol thread and the timeout timer.
 */
final class QueryCall<R> {

    final long id;
    final Class<R> replyType;
    final CompletableFuture<QueryResult<R>> future = new CompletableFuture<>();
    private final ReplyCollector collector;
    private final List<Reply<R>> replies = new ArrayList<>();

    /** @param onlyFrom the one member asked, for a point-to-point query; null for the group */
    QueryCall(long id, Quorum quorum, Class<R> replyType, MemberId onlyFrom, View currentView) {
        this.id = id;
        this.replyType = replyType;
        // The timer calls timeout(): the collector needs no clock of its own here.
        this.collector = new ReplyCollector(quorum, onlyFrom, currentView, Long.MAX_VALUE);
    }

    /** The request was delivered here, in this view: its members are the ones to answer. */
    synchronized void requestDelivered(View view) {
        collector.requestDelivered(view);
        publish();
    }

    synchronized void reply(Reply<R> reply) {
        if (collector.reply(reply.from())) {
            replies.add(reply);
        }
        publish();
    }

    /** A new view: members of the request's view that are gone will never answer. */
    synchronized void viewChanged(View view) {
        collector.viewChanged(view);
        publish();
    }

    synchronized void timeout() {
        collector.expire();
        publish();
    }

    /** The requester left the group or the engine stopped. */
    synchronized void abandon(Throwable why) {
        future.completeExceptionally(why);
    }

    private void publish() {
        if (collector.done() && !future.isDone()) {
            future.complete(new QueryResult<>(collector.viewId(), replies, collector.failed(),
                    collector.state() == ReplyCollector.State.COMPLETE));
        }
    }
}
