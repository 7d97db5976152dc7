package io.vsync.api;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

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

    /** Sends to one member only; FIFO per sender and destination. */
    void p2pSend(MemberId to, Object payload);

    /** The current view, or null before the first. */
    View view();

    GroupStatus status();

    /** This member's id in the current incarnation, or null before joining. */
    MemberId self();

    /** Counters of this group at this member. */
    GroupStats stats();
}
