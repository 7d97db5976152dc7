package io.vsync.api;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A named process group hosted by a {@link VsyncEngine}. Obtain one with
 * {@link VsyncEngine#group(String)}, register handlers, then {@link #join()}.
 *
 * <p>Handlers of one group run one at a time, in delivery order, on the group's delivery
 * thread: never on the protocol thread, so a slow handler slows only its own group.
 * Handlers must be registered before {@link #join()}: a member must not miss deliveries of
 * its first view.
 */
public interface Group {

    String name();

    /** Registers the handler of messages whose payload is of {@code type} (or a subtype). */
    <T> Group handle(Class<T> type, Consumer<? super T> handler);

    /** As {@link #handle(Class, Consumer)}, with the delivery's metadata. */
    <T> Group handle(Class<T> type, BiConsumer<? super T, DeliveryInfo> handler);

    /**
     * Registers the handler of queries whose request is of {@code type}: its return value is
     * this member's reply (null gives a NullReply; an exception gives an AbortReply carrying its
     * message). Query requests are delivered in the group's total order, like
     * {@link #orderedSend}, so every member answers from the same state.
     */
    <T> Group handleQuery(Class<T> type, BiFunction<? super T, DeliveryInfo, ?> handler);

    /** As {@link #handleQuery(Class, BiFunction)}, without the metadata. */
    default <T> Group handleQuery(Class<T> type, Function<? super T, ?> handler) {
        return handleQuery(type, (T request, DeliveryInfo info) -> handler.apply(request));
    }

    /**
     * Sets how the application state reaches joiners. Without it a joiner starts from nothing.
     * Must be set before {@link #join()}.
     */
    Group stateTransfer(StateTransfer transfer);

    /**
     * State transfer of one object, written with the group's payload codec: {@code snapshot}
     * runs at an existing member, {@code restore} at the joiner.
     */
    <S> Group stateTransfer(Class<S> type, Supplier<? extends S> snapshot, Consumer<? super S> restore);

    /** Called with each new view, in view order, on the delivery thread. */
    Group onViewChange(Consumer<View> listener);

    /**
     * Joins the group through the engine's seeds; creates it when no seed is a member.
     * Completes when the first view containing this member is installed.
     */
    CompletableFuture<View> joinAsync();

    /** Blocking form of {@link #joinAsync()}. */
    View join(Duration timeout);

    default View join() {
        return join(Duration.ofSeconds(30));
    }

    /** Leaves gracefully: a clean view change, not a failure. */
    CompletableFuture<Void> leaveAsync();

    default void leave() {
        leaveAsync().join();
    }

    /**
     * FIFO multicast: delivered to every member in the current view, in send order per
     * sender. Blocks while this sender's unstable messages fill its flow-control window.
     * The future completes when this member has delivered the message itself.
     *
     * @throws MessageTooLargeException when the encoded payload is over the limit
     * @throws NotJoinedException       when the group is not joined
     */
    CompletableFuture<Void> send(Object payload);

    /** Total-order multicast: every member delivers these in the same order. */
    CompletableFuture<Void> orderedSend(Object payload);

    /**
     * Causal multicast: delivered after every message this member had delivered when it sent
     * it (happened-before across senders).
     */
    CompletableFuture<Void> causalSend(Object payload);

    /**
     * Durable total-order multicast: delivered in the total order, and only once every member
     * of the view holds it, so it survives the crash of its sender and of any minority.
     */
    CompletableFuture<Void> safeSend(Object payload);

    /**
     * Completes when every message this member sent before the call is stable, i.e. held by
     * every member of the view: Vsync's rule "flush before you talk to the outside world".
     */
    CompletableFuture<Void> flush();

    /**
     * Asks the whole group: the request is delivered in total order at every member, whose
     * query handler answers. Completes when {@code quorum} replies arrived (members that fail
     * meanwhile are named in the result, not waited for), or at the timeout with what arrived,
     * marked incomplete (see {@link QueryResult#orThrow()}).
     */
    <R> CompletableFuture<QueryResult<R>> queryAsync(Quorum quorum, Object request, Class<R> replyType,
                                                     Duration timeout);

    /** Blocking form of {@link #queryAsync}. */
    default <R> QueryResult<R> query(Quorum quorum, Object request, Class<R> replyType, Duration timeout) {
        return queryAsync(quorum, request, replyType, timeout).join();
    }

    /** Asks one member; completes with its reply, or exceptionally when it fails or times out. */
    <R> CompletableFuture<Reply<R>> p2pQuery(MemberId to, Object request, Class<R> replyType, Duration timeout);

    /** Sends to one member only; FIFO per sender and destination. */
    void p2pSend(MemberId to, Object payload);

    /** The current view, or null before the first. */
    View view();

    GroupStatus status();

    /** When the group entered its current status. */
    Instant statusSince();

    /** This member's id in the current incarnation, or null before joining. */
    MemberId self();

    /** Counters of this group at this member. */
    GroupStats stats();
}
