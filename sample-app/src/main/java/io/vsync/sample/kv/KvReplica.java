package io.vsync.sample.kv;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

import io.vsync.api.DeliveryInfo;
import io.vsync.api.Group;
import io.vsync.api.NotJoinedException;
import io.vsync.api.QueryResult;
import io.vsync.api.Quorum;
import io.vsync.api.Reply;
import io.vsync.api.View;
import io.vsync.sample.kv.Messages.Delete;
import io.vsync.sample.kv.Messages.Put;
import io.vsync.sample.kv.Messages.Read;
import io.vsync.sample.kv.Messages.ReadReply;
import io.vsync.sample.kv.Messages.Snapshot;
import io.vsync.spring.annotation.GroupHandler;

/**
 * This process's replica of the key-value map, bound to group {@value #GROUP}.
 *
 * <ul>
 * <li>Writes are multicast with {@code orderedSend}: every replica applies them in one order.
 * A write is acknowledged once this replica has delivered it, and the engine delivers a
 * message only once every member of the view holds it, so an acknowledged write survives the
 * crash of any member, this one included.</li>
 * <li>A quorum read is a {@code query}: delivered in the same total order, answered by every
 * member from the same point of the order; it waits for a majority.</li>
 * <li>A joiner receives the map by state transfer, taken exactly between two deliveries.</li>
 * </ul>
 */
@Component
public class KvReplica {

    /** The group's name, configured under {@code vsync.groups}. */
    public static final String GROUP = "kv";

    private static final Logger log = LoggerFactory.getLogger(KvReplica.class);

    /** What a write did, as seen when this replica delivered it. */
    public record WriteResult(KvStore.Outcome outcome, long viewId) {
    }

    /** A quorum read: the answer and how the replies agreed (the view id as a string, see KvController). */
    public record QuorumRead(String key, boolean present, String value, long version, boolean agreed,
            String agreement, boolean complete, String viewId, int quorum, int viewSize, List<ReplyView> replies,
            List<String> failed) {
    }

    /** One member's reply to a quorum read. */
    public record ReplyView(String member, String status, Boolean present, String value, Long version, Long position,
            String error) {
    }

    private final Group group;

    private final ClusterMonitor monitor;

    private final KvProperties properties;

    private final KvStore store = new KvStore();

    /** Writes of this replica waiting for their own delivery, by request id. */
    private final Map<String, CompletableFuture<WriteResult>> awaiting = new ConcurrentHashMap<>();

    public KvReplica(@Qualifier(GROUP) Group group, ClusterMonitor monitor, KvProperties properties) {
        this.group = group;
        this.monitor = monitor;
        this.properties = properties;
        // Until the starter wires @GroupHandler return values and @StateProvider/@StateLoader
        // (see docs/spring-boot.md), queries and state transfer are set on the Group itself.
        // Both must be in place before the group is joined, which the starter does after every
        // singleton bean exists.
        group.handleQuery(Read.class, this::answer);
        group.stateTransfer(Snapshot.class, this::snapshot, this::restore);
    }

    public KvStore store() {
        return this.store;
    }

    public Group group() {
        return this.group;
    }

    // ------------------------------------------------------------ deliveries (delivery thread)

    @GroupHandler(group = GROUP)
    void on(Put put, DeliveryInfo info) {
        this.monitor.delivered(info);
        completed(put.requestId(), new WriteResult(this.store.apply(put), info.viewId()));
    }

    @GroupHandler(group = GROUP)
    void on(Delete delete, DeliveryInfo info) {
        this.monitor.delivered(info);
        completed(delete.requestId(), new WriteResult(this.store.apply(delete), info.viewId()));
    }

    ReadReply answer(Read read, DeliveryInfo info) {
        this.monitor.delivered(info);
        return this.store.read(read.key());
    }

    Snapshot snapshot() {
        Snapshot snapshot = this.store.snapshot();
        log.info("kv: sending the state to a joiner: {} keys at position {}", snapshot.entries().size(),
                snapshot.position());
        return snapshot;
    }

    void restore(Snapshot snapshot) {
        this.store.restore(snapshot);
        log.info("kv: state loaded: {} keys at position {}", snapshot.entries().size(), snapshot.position());
    }

    private void completed(String requestId, WriteResult result) {
        CompletableFuture<WriteResult> waiting = this.awaiting.remove(requestId);
        if (waiting != null) {
            waiting.complete(result);
        }
    }

    // ------------------------------------------------------------ requests (HTTP threads)

    /** Replicates {@code key = value}; returns once this replica has delivered it. */
    public WriteResult put(String key, String value) {
        String id = UUID.randomUUID().toString();
        return replicate(id, new Put(key, value, id));
    }

    /** Replicates the removal of {@code key}; returns once this replica has delivered it. */
    public WriteResult delete(String key) {
        String id = UUID.randomUUID().toString();
        return replicate(id, new Delete(key, id));
    }

    private WriteResult replicate(String id, Object update) {
        CompletableFuture<WriteResult> result = new CompletableFuture<>();
        this.awaiting.put(id, result);
        try {
            this.group.orderedSend(update).whenComplete((delivered, failure) -> {
                if (failure != null) {
                    result.completeExceptionally(failure);
                }
                else if (!result.isDone()) {
                    // Delivered here, but the handler did not complete it: it failed.
                    result.completeExceptionally(new IllegalStateException("the update was delivered but not applied"
                            + " here (see this instance's log)"));
                }
            });
            return await(result, this.properties.writeTimeout(), "the write");
        }
        catch (NotJoinedException ex) {
            throw unavailable(ex.getMessage());
        }
        finally {
            this.awaiting.remove(id);
        }
    }

    /** Asks a majority of the group, in the group's order, for {@code key}. */
    public QuorumRead quorumRead(String key) {
        QueryResult<ReadReply> result;
        try {
            result = await(this.group.queryAsync(Quorum.MAJORITY, new Read(key), ReadReply.class,
                    this.properties.readTimeout()), this.properties.readTimeout().plusSeconds(1), "the quorum read");
        }
        catch (NotJoinedException ex) {
            throw unavailable(ex.getMessage());
        }
        View view = this.group.view();
        int size = (view != null && view.id() == result.viewId()) ? view.size()
                : result.replies().size() + result.failed().size();
        int quorum = Quorum.MAJORITY.needed(Math.max(size, 1));
        return summarize(key, result, quorum, size);
    }

    static QuorumRead summarize(String key, QueryResult<ReadReply> result, int quorum, int viewSize) {
        List<ReplyView> replies = new ArrayList<>();
        Map<ReadReply, Integer> answers = new LinkedHashMap<>();
        for (Reply<ReadReply> reply : result.replies()) {
            ReadReply r = reply.value();
            if (reply.ok() && r != null) {
                replies.add(new ReplyView(reply.from().toString(), "OK", r.present(), r.value(), r.version(),
                        r.position(), null));
                answers.merge(new ReadReply(r.key(), r.present(), r.value(), r.version(), 0), 1, Integer::sum);
            }
            else {
                replies.add(new ReplyView(reply.from().toString(), reply.status().name(), null, null, null, null,
                        reply.error()));
            }
        }
        ReadReply best = null;
        int bestCount = 0;
        for (Map.Entry<ReadReply, Integer> answer : answers.entrySet()) {
            if (answer.getValue() > bestCount) {
                best = answer.getKey();
                bestCount = answer.getValue();
            }
        }
        int total = result.replies().size();
        boolean agreed = result.complete() && best != null && bestCount == total && bestCount >= quorum;
        String agreement = bestCount + " of " + total + " replies agree (a majority of " + viewSize + " is " + quorum
                + ")" + (result.complete() ? "" : "; the majority did not answer in time");
        List<String> failed = result.failed().stream().map(Objects::toString).toList();
        return new QuorumRead(key, best != null && best.present(), best != null ? best.value() : null,
                best != null ? best.version() : 0, agreed, agreement, result.complete(), Long.toString(result.viewId()), quorum,
                viewSize, replies, failed);
    }

    private <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException ex) {
            throw unavailable(what + " was not delivered here within " + timeout.toMillis() + " ms (group "
                    + this.group.status() + "); it may still be applied");
        }
        catch (ExecutionException ex) {
            Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
            throw unavailable(what + " failed: " + cause.getMessage());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while waiting for " + what);
        }
    }

    private KvException unavailable(String detail) {
        return new KvException(503, "Group unavailable", detail);
    }
}
