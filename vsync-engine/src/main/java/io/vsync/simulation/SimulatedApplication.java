package io.vsync.simulation;

import io.vsync.api.DeliveryKind;
import io.vsync.api.GroupStatus;
import io.vsync.api.MemberId;
import io.vsync.api.Quorum;
import io.vsync.api.View;
import io.vsync.history.HistoryEvent;
import io.vsync.history.HistoryEventListener;
import io.vsync.history.StateDigest;
import io.vsync.membership.ProtocolNode;
import io.vsync.query.ReplyCollector;
import io.vsync.state.Admission;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The application one simulated process runs on top of the protocol core: its state is a
 * {@link StateDigest} of the multicasts it delivered; it answers queries with that state, asks
 * queries of its own through a {@link ReplyCollector}, and hands its state to joiners, as the
 * runtime's group handle does:
 * <ul>
 *   <li>the donor ({@link Admission}, as in the runtime) writes the checkpoint on installing
 *       the view that admits the joiner, before any delivery in it, and sends it point-to-point;</li>
 *   <li>the joiner holds back every delivery of its first view until the checkpoint is loaded
 *       (the runtime's delivery thread blocks in the loader the same way); if the donor leaves
 *       the view or the checkpoint does not come, it leaves and joins again.</li>
 * </ul>
 * Payloads use the runtime's envelope layout: a type byte, a long id, an int seq, a status
 * byte, the body. Everything it does is recorded as history events for the checker.
 */
final class SimulatedApplication {

    static final byte MESSAGE = 0;
    static final byte QUERY = 1;
    static final byte REPLY = 3;
    static final byte STATE_CHUNK = 4;
    private static final int HEADER = 1 + 8 + 4 + 1;
    static final long QUERY_TIMEOUT_MS = 2_000;
    static final long STATE_TIMEOUT_MS = 3_000;

    /** What the whole run's applications did: that the workload really exercised them. */
    static final class Counters {
        long queries;
        long complete;
        long incomplete;
        long answers;
        long stateTransfers;
        long stateFailures;
    }

    private final String group;
    private final ProtocolNode node;
    private final HistoryEventListener history;
    private final Counters counters;
    private final Runnable rejoin;
    private final Consumer<Runnable> later;
    private final Consumer<String> trace;
    private final LongSupplier clock;

    /** The membership (incarnation) the state belongs to; null outside the group. */
    private MemberId self;
    /** A membership given up (partitioned, left, failed state transfer): its events are ignored. */
    private MemberId abandoned;
    /** Null while unknown: before the checkpoint is loaded. */
    private Long digest;
    private MemberId donor;
    /** The last view installed by {@link #self}. */
    private View lastView;
    private long awaitingView = -1;
    private long awaitingSince;
    /** Work held back until the checkpoint is loaded, in delivery order. */
    private final List<Runnable> heldBack = new ArrayList<>();
    private final Map<Long, ReplyCollector> queries = new LinkedHashMap<>();

    /**
     * @param clock  the virtual time in ms
     * @param rejoin leaves and joins again (after a failed state transfer)
     * @param later  runs a call into the protocol core after the current event: calls made
     *               from inside a delivery must not re-enter the core (the runtime hands them to
     *               its protocol thread the same way)
     */
    SimulatedApplication(String group, ProtocolNode node, HistoryEventListener history, Counters counters,
                         Runnable rejoin, Consumer<Runnable> later, Consumer<String> trace, LongSupplier clock) {
        this.group = group;
        this.node = node;
        this.history = history;
        this.counters = counters;
        this.rejoin = rejoin;
        this.later = later;
        this.trace = trace;
        this.clock = clock;
    }

    static byte[] envelope(byte type, long id, byte status, byte[] body) {
        return ByteBuffer.allocate(HEADER + body.length).put(type).putLong(id).putInt(0).put(status).put(body).array();
    }

    static byte[] message(byte[] body) {
        byte[] out = new byte[body.length + 1];
        out[0] = MESSAGE;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }

    // ---------------------------------------------------------------- the workload

    /** Multicasts a query request in total order; replies are collected until {@code now + timeout}. */
    void query(long nowMs, Quorum quorum) {
        View view = node.view(group);
        long msgNo = node.send(nowMs, group, DeliveryKind.ORDERED, envelope(QUERY, 0, (byte) 0, new byte[0]));
        if (msgNo > 0) {
            counters.queries++;
            queries.put(msgNo, new ReplyCollector(quorum, null, view, nowMs + QUERY_TIMEOUT_MS));
        }
    }

    void tick(long nowMs) {
        for (ReplyCollector collector : queries.values()) {
            collector.tick(nowMs);
        }
        endQueries();
        if (awaitingView >= 0 && nowMs - awaitingSince > STATE_TIMEOUT_MS) {
            giveUpState("no checkpoint within " + STATE_TIMEOUT_MS + " ms");
        }
    }

    // ---------------------------------------------------------------- from the protocol

    void viewInstalled(long nowMs, View view) {
        MemberId me = node.self(group);
        if (me == null || me.equals(abandoned)) {
            return;
        }
        View previous = lastView;
        lastView = view;
        if (!me.equals(self)) {
            reset(me);
            if (Admission.mustLoad(null, view, me)) {
                donor = Admission.donorOf(view);
                awaitingView = view.id();
                awaitingSince = nowMs;
            } else {
                digest = StateDigest.INITIAL;
            }
            return;
        }
        for (ReplyCollector collector : queries.values()) {
            collector.viewChanged(view);
        }
        endQueries();
        if (awaitingView >= 0 && !view.contains(donor)) {
            giveUpState("the donor " + donor + " left the view");
            return;
        }
        List<MemberId> joiners = Admission.donatesTo(previous, view, me);
        if (!joiners.isEmpty()) {
            // Held back like a delivery when this member is still waiting for its own state.
            run(() -> donate(view, joiners));
        }
    }

    void deliver(MemberId sender, long msgNo, long viewId, DeliveryKind kind, byte[] payload) {
        if (self == null || payload.length == 0) {
            return;
        }
        byte type = payload[0];
        if (kind == DeliveryKind.P2P) {
            if (payload.length < HEADER) {
                return;
            }
            ByteBuffer in = ByteBuffer.wrap(payload, 1, HEADER - 1);
            long id = in.getLong();
            in.getInt();
            in.get();
            long value = payload.length >= HEADER + 8 ? ByteBuffer.wrap(payload, HEADER, 8).getLong() : 0;
            if (type == REPLY) {
                ReplyCollector collector = queries.get(id);
                if (collector != null && collector.reply(sender)) {
                    history.record(new HistoryEvent.ReplyReceived(group, self, sender, id, value));
                    endQueries();
                }
            } else if (type == STATE_CHUNK && id == awaitingView && sender.equals(donor)) {
                load(value);
            }
            return;
        }
        if (type == QUERY && sender.equals(self)) {
            ReplyCollector collector = queries.get(msgNo);
            if (collector != null) {
                collector.requestDelivered(node.view(group));
                endQueries();
            }
        }
        run(() -> apply(sender, msgNo, viewId, type));
    }

    void statusChanged(GroupStatus status) {
        if (status == GroupStatus.PARTITIONED || status == GroupStatus.LEFT) {
            if (self != null) {
                abandoned = self;
            }
            reset(null);
        }
    }

    // ---------------------------------------------------------------- the state

    private void apply(MemberId sender, long msgNo, long viewId, byte type) {
        if (type == QUERY) {
            history.record(new HistoryEvent.Replied(group, self, sender, msgNo, viewId, digest));
            counters.answers++;
            byte[] reply = envelope(REPLY, msgNo, (byte) 0, longBytes(digest));
            later.accept(() -> node.p2pSend(clock.getAsLong(), group, sender, reply));
        }
        digest = StateDigest.after(digest, sender, msgNo);
    }

    private void donate(View view, List<MemberId> joiners) {
        for (MemberId joiner : joiners) {
            history.record(new HistoryEvent.StateSent(group, self, joiner, view.id(), digest));
            byte[] chunk = envelope(STATE_CHUNK, view.id(), (byte) 1, longBytes(digest));
            later.accept(() -> node.p2pSend(clock.getAsLong(), group, joiner, chunk));
        }
    }

    private void load(long checkpoint) {
        history.record(new HistoryEvent.StateLoaded(group, self, donor, awaitingView, checkpoint));
        counters.stateTransfers++;
        digest = checkpoint;
        awaitingView = -1;
        List<Runnable> backlog = new ArrayList<>(heldBack);
        heldBack.clear();
        backlog.forEach(Runnable::run);
    }

    private void giveUpState(String why) {
        trace.accept("state transfer into view " + awaitingView + " failed (" + why + "): leaving to join again");
        counters.stateFailures++;
        abandoned = self;
        reset(null);
        later.accept(rejoin);
    }

    private void run(Runnable work) {
        if (awaitingView >= 0) {
            heldBack.add(work);
        } else {
            work.run();
        }
    }

    private void reset(MemberId member) {
        self = member;
        digest = null;
        donor = null;
        awaitingView = -1;
        heldBack.clear();
        for (ReplyCollector collector : queries.values()) {
            collector.expire();
        }
        endQueries();
    }

    private void endQueries() {
        queries.values().removeIf(collector -> {
            if (!collector.done()) {
                return false;
            }
            if (collector.state() == ReplyCollector.State.COMPLETE) {
                counters.complete++;
            } else {
                counters.incomplete++;
            }
            return true;
        });
    }

    private static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }
}
