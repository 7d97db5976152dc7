package io.vsync.runtime;

import io.vsync.api.DeliveryInfo;
import io.vsync.durability.SafeHistory;
import io.vsync.durability.SafeLogConfig;
import io.vsync.durability.SafeLogDirectory;
import io.vsync.api.DeliveryKind;
import io.vsync.api.Group;
import io.vsync.api.GroupStats;
import io.vsync.api.GroupStatus;
import io.vsync.api.MemberId;
import io.vsync.api.MessageTooLargeException;
import io.vsync.api.NotJoinedException;
import io.vsync.api.QueryResult;
import io.vsync.api.Quorum;
import io.vsync.api.Reply;
import io.vsync.api.StateTransfer;
import io.vsync.api.View;
import io.vsync.api.VsyncException;
import io.vsync.state.Admission;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The application's handle of one group. Application threads call it; it hands work to the
 * protocol thread and runs handlers on the group's own delivery thread, in delivery order.
 * Queries, replies and state transfer travel in {@link Envelope}s on the ordinary paths.
 */
final class GroupHandle implements Group {

    private static final System.Logger LOG = System.getLogger(GroupHandle.class.getName());
    private static final long STATE_TIMEOUT_MS = 30_000;

    /** A multicast of this member waiting for its own delivery. */
    private static final class OwnSend {
        long msgNo = -1;
        final long sentAt = System.nanoTime();
        final DeliveryKind kind;
        final CompletableFuture<Void> future;

        OwnSend(DeliveryKind kind, CompletableFuture<Void> future) {
            this.kind = kind;
            this.future = future;
        }
    }

    private final String name;
    private final EngineCore engine;
    private final TypeRegistry<BiConsumer<Object, DeliveryInfo>> handlers = new TypeRegistry<>();
    private final TypeRegistry<BiFunction<Object, DeliveryInfo, ?>> queryHandlers = new TypeRegistry<>();
    private final List<Consumer<View>> viewListeners = new CopyOnWriteArrayList<>();
    private final Map<String, Class<?>> acceptedTypes = new ConcurrentHashMap<>();
    private final FlowControl flowControl;
    /** Runs this group's handlers (see {@link HandlerSafeFuture}). */
    private final DeliveryThread delivery;
    private volatile StateTransfer stateTransfer;
    /** Whether this group has a safeSend log (fixed when the engine is built). */
    private final boolean safeLogged;
    /** Guarded by this: the safeSend log was read and replayed (once per engine). */
    private boolean logRecovered;
    /** Protocol thread: position of the last safeSend delivered (view, count in that view). */
    private long safeViewId;
    private long safeCount;
    /** Delivery thread: the same position, as far as the handlers have seen. */
    private long deliveredSafeView;
    private long deliveredSafeCount;

    // Written by the protocol thread, read by anyone.
    private volatile View view;
    private volatile GroupStatus status = GroupStatus.IDLE;
    private volatile Instant statusSince = Instant.now();
    private volatile MemberId self;
    private volatile CompletableFuture<View> joining;
    private volatile CompletableFuture<Void> leaving;
    /** Protocol thread only: the future of the last multicast in the protocol's send order. */
    private CompletableFuture<Void> lastOwnSend = CompletableFuture.completedFuture(null);
    private volatile long viewChangeStartedAt;

    /** Protocol thread only: own multicasts in send order, which is their delivery order. */
    private final ArrayDeque<OwnSend> ownSends = new ArrayDeque<>();
    private List<Runnable> pendingTasks = new ArrayList<>();
    private final AtomicLong queryIds = new AtomicLong();
    private final Map<Long, QueryCall<?>> queries = new ConcurrentHashMap<>();
    private final Map<MemberId, StateSender> stateSenders = new ConcurrentHashMap<>();
    private volatile StateReceiver stateReceiver;
    private volatile MemberId stateDonor;
    private volatile long stateViewId = -1;

    private final Map<DeliveryKind, AtomicLong> sentByKind = byKind();
    private final Map<DeliveryKind, AtomicLong> deliveredByKind = byKind();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong bytesDelivered = new AtomicLong();
    private final AtomicLong viewChanges = new AtomicLong();
    private final AtomicLong handlerErrors = new AtomicLong();
    private final AtomicLong undeliverable = new AtomicLong();
    private volatile long unstable;
    private volatile long pendingSends;

    GroupHandle(String name, EngineCore engine, long sendWindow) {
        this.name = name;
        this.engine = engine;
        this.safeLogged = engine.safeLog(name) != null;
        this.flowControl = new FlowControl(sendWindow);
        this.delivery = new DeliveryThread("vsync-deliver-" + name);
    }

    @Override
    public String name() {
        return name;
    }

    // ================================================================ registration

    @Override
    public <T> Group handle(Class<T> type, Consumer<? super T> handler) {
        Objects.requireNonNull(handler, "handler");
        return handle(type, (T payload, DeliveryInfo info) -> handler.accept(payload));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Group handle(Class<T> type, BiConsumer<? super T, DeliveryInfo> handler) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(handler, "handler");
        handlers.register(type, (BiConsumer<Object, DeliveryInfo>) handler);
        return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Group handleQuery(Class<T> type, BiFunction<? super T, DeliveryInfo, ?> handler) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(handler, "handler");
        queryHandlers.register(type, (BiFunction<Object, DeliveryInfo, ?>) handler);
        return this;
    }

    @Override
    public Group stateTransfer(StateTransfer transfer) {
        this.stateTransfer = Objects.requireNonNull(transfer, "transfer");
        return this;
    }

    @Override
    public <S> Group stateTransfer(Class<S> type, Supplier<? extends S> snapshot, Consumer<? super S> restore) {
        Objects.requireNonNull(type, "type");
        return stateTransfer(new StateTransfer() {
            @Override
            public void write(OutputStream out) throws IOException {
                out.write(engine.codec().encode(snapshot.get()));
            }

            @Override
            public void read(InputStream in) throws IOException {
                byte[] bytes = in.readAllBytes();
                Object state = engine.codec().decode(bytes, name -> TypeResolver.resolve(name, engine.classLoader(),
                        type.getName().equals(name) ? type : null, type::isAssignableFrom));
                restore.accept(type.cast(state));
            }
        });
    }

    @Override
    public Group onViewChange(Consumer<View> listener) {
        viewListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    // ================================================================ membership

    @Override
    public synchronized CompletableFuture<View> joinAsync() {
        engine.requireRunning();
        if (status == GroupStatus.MEMBER && view != null && (joining == null || joining.isDone())) {
            return CompletableFuture.completedFuture(view);
        }
        if (joining == null || joining.isDone()) {
            joining = new CompletableFuture<>();
            SafeLogConfig logConfig = engine.safeLog(name);
            if (logConfig == null) {
                engine.submit(() -> engine.node().join(ProtocolLoop.nowMs(), name));
            } else if (!logRecovered) {
                try {
                    recoverSafeLog(logConfig);
                    logRecovered = true;
                } catch (RuntimeException e) {
                    joining.completeExceptionally(e);
                }
            } else {
                engine.submit(() -> engine.node().join(ProtocolLoop.nowMs(), name, 0));
            }
        }
        return joining;
    }

    /**
     * Reads the group's safeSend log and replays its history to the handlers (on the delivery
     * thread, so before anything of the group's new views), then joins with the log's position
     * for the creation tie-break. A member admitted to a live group gets the group's state by
     * transfer afterwards, which supersedes what the replay built (docs/guarantees.md).
     */
    private void recoverSafeLog(SafeLogConfig logConfig) {
        SafeLogDirectory dir = new SafeLogDirectory(logConfig.directory(), name);
        SafeLogDirectory.Contents contents = dir.read();
        SafeHistory history = dir.history(contents);
        byte[] state = history.start().hasState() ? dir.readCheckpoint(history.start().checkpointId()) : null;
        StateTransfer transfer = stateTransfer;
        if (state != null && transfer == null) {
            throw new VsyncException("group '" + name + "': its safeSend log in " + dir.path()
                    + " starts from a checkpoint, but no stateTransfer(...) is registered to load it");
        }
        if (state != null || !history.messages().isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "group {0}: replaying {1} safeSend messages from {2}{3}", name,
                    history.messages().size(), dir.path(), state != null ? " after a checkpoint" : "");
        }
        // The join starts once the replay is over: when join() returns, the handlers have seen it all.
        delivery.execute(() -> {
            replay(transfer, state, history);
            engine.submit(() -> {
                engine.openSafeLog(name, dir, contents);
                engine.node().join(ProtocolLoop.nowMs(), name, history.lastViewId());
            });
        });
    }

    private void replay(StateTransfer transfer, byte[] state, SafeHistory history) {
        // A checkpoint taken before any new safeSend is delivered covers exactly the replayed
        // history: every view up to the log's last, none of the new line of views (ids above it).
        deliveredSafeView = history.lastViewId() + 1;
        deliveredSafeCount = 0;
        if (state != null) {
            try {
                transfer.read(new java.io.ByteArrayInputStream(state));
            } catch (IOException | RuntimeException e) {
                handlerErrors.incrementAndGet();
                LOG.log(System.Logger.Level.ERROR, "group " + name + ": loading the safeSend log's checkpoint failed", e);
            }
        }
        for (SafeHistory.Message m : history.messages()) {
            Envelope envelope;
            try {
                envelope = Envelope.parse(m.payload());
            } catch (IllegalArgumentException e) {
                undeliverable.incrementAndGet();
                continue;
            }
            if (envelope.type() == Envelope.MESSAGE) {
                dispatch(envelope, new DeliveryInfo(name, m.sender(), m.viewId(), DeliveryKind.SAFE, true, m.msgNo()));
            }
        }
    }

    /**
     * Protocol thread: asks the delivery thread to save the application's state at its current
     * position in the safe history. @return false when there is no state transfer to save it with
     */
    boolean requestCheckpoint() {
        StateTransfer transfer = stateTransfer;
        if (transfer == null) {
            return false;
        }
        toDeliveryThread(() -> saveCheckpoint(transfer, deliveredSafeView, deliveredSafeCount));
        return true;
    }

    /** Delivery thread. */
    private void saveCheckpoint(StateTransfer transfer, long viewId, long covered) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            transfer.write(out);
        } catch (IOException | RuntimeException e) {
            handlerErrors.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "group " + name + ": checkpoint for the safeSend log failed", e);
            return;
        }
        engine.checkpoint(name, viewId, covered, out.toByteArray());
    }

    @Override
    public View join(Duration timeout) {
        try {
            return joinAsync().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new VsyncException("group '" + name + "': not admitted within " + timeout
                    + " (are the seeds reachable?)", e);
        } catch (ExecutionException e) {
            throw new VsyncException("group '" + name + "': join failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VsyncException("interrupted while joining '" + name + "'", e);
        }
    }

    @Override
    public synchronized CompletableFuture<Void> leaveAsync() {
        if (status == GroupStatus.IDLE || status == GroupStatus.LEFT) {
            return CompletableFuture.completedFuture(null);
        }
        if (leaving == null || leaving.isDone()) {
            leaving = new CompletableFuture<>();
            engine.submit(() -> engine.node().leave(ProtocolLoop.nowMs(), name));
        }
        return leaving;
    }

    // ================================================================ sending

    @Override
    public CompletableFuture<Void> send(Object payload) {
        return multicast(DeliveryKind.FIFO, Envelope.message(encode(payload)));
    }

    @Override
    public CompletableFuture<Void> orderedSend(Object payload) {
        return multicast(DeliveryKind.ORDERED, Envelope.message(encode(payload)));
    }

    @Override
    public CompletableFuture<Void> causalSend(Object payload) {
        return multicast(DeliveryKind.CAUSAL, Envelope.message(encode(payload)));
    }

    @Override
    public CompletableFuture<Void> safeSend(Object payload) {
        return multicast(DeliveryKind.SAFE, Envelope.message(encode(payload)));
    }

    @Override
    public CompletableFuture<Void> flush() {
        engine.requireRunning();
        long started = System.nanoTime();
        CompletableFuture<Void> flushed = newOperationFuture();
        // Read on the protocol thread: every send whose call returned before this one was handed
        // to it earlier, so the last own send it knows is the last one sent before the flush,
        // whichever application thread sent it. Delivery is uniform and own messages are
        // delivered in send order, so that one delivered here means every earlier one is stable.
        engine.submit(() -> lastOwnSend.whenComplete((ok, failure) -> {
            engine.metrics().flushed(name, System.nanoTime() - started);
            if (failure != null) {
                flushed.completeExceptionally(new VsyncException("group '" + name + "': flush failed", failure));
            } else {
                flushed.complete(null);
            }
        }));
        return flushed;
    }

    private <T> CompletableFuture<T> newOperationFuture() {
        return new HandlerSafeFuture<>(name, delivery::thread);
    }

    private CompletableFuture<Void> multicast(DeliveryKind kind, byte[] bytes) {
        requireJoined();
        flowControl.acquire(name, bytes.length, engine.sendTimeoutMs());
        OwnSend own = new OwnSend(kind, newOperationFuture());
        engine.submit(() -> {
            lastOwnSend = own.future;
            ownSends.add(own);
            long msgNo = engine.node().send(ProtocolLoop.nowMs(), name, kind, bytes);
            if (msgNo < 0) {
                ownSends.remove(own);
                flowControl.release(bytes.length);
                own.future.completeExceptionally(new NotJoinedException(name, status));
            } else {
                own.msgNo = msgNo;
                sent.incrementAndGet();
                sentByKind.get(kind).incrementAndGet();
                bytesSent.addAndGet(bytes.length);
            }
        });
        return own.future;
    }

    @Override
    public void p2pSend(MemberId to, Object payload) {
        Objects.requireNonNull(to, "to");
        byte[] bytes = Envelope.message(encode(payload));
        requireJoined();
        p2p(to, bytes);
    }

    private void p2p(MemberId to, byte[] bytes) {
        engine.submit(() -> {
            if (!engine.node().p2pSend(ProtocolLoop.nowMs(), name, to, bytes)) {
                LOG.log(System.Logger.Level.DEBUG, "p2p send to {0} in {1} dropped: not in the view", to, name);
            }
        });
    }

    private byte[] encode(Object payload) {
        Objects.requireNonNull(payload, "payload");
        byte[] bytes = engine.codec().encode(payload);
        if (bytes.length > engine.maxMessageSize()) {
            throw new MessageTooLargeException(bytes.length, engine.maxMessageSize());
        }
        return bytes;
    }

    private void requireJoined() {
        GroupStatus current = status;
        if (current != GroupStatus.MEMBER && current != GroupStatus.VIEW_CHANGE && current != GroupStatus.LEAVING) {
            throw new NotJoinedException(name, current);
        }
    }

    // ================================================================ queries

    @Override
    public <R> CompletableFuture<QueryResult<R>> queryAsync(Quorum quorum, Object request, Class<R> replyType,
                                                            Duration timeout) {
        Objects.requireNonNull(quorum, "quorum");
        Objects.requireNonNull(replyType, "replyType");
        byte[] body = encode(request);
        long id = queryIds.incrementAndGet();
        QueryCall<R> call = new QueryCall<>(id, quorum, replyType, null, view);
        queries.put(id, call);
        engine.scheduler().schedule(call::timeout, timeout.toMillis(), TimeUnit.MILLISECONDS);
        call.future.whenComplete((r, e) -> queries.remove(id));
        try {
            multicast(DeliveryKind.ORDERED, Envelope.of(Envelope.QUERY, id, 0, (byte) 0, body))
                    .whenComplete((ok, failure) -> {
                        if (failure != null) {
                            call.abandon(failure);
                        }
                    });
        } catch (RuntimeException e) {
            queries.remove(id);
            throw e;
        }
        return call.future;
    }

    @Override
    public <R> CompletableFuture<Reply<R>> p2pQuery(MemberId to, Object request, Class<R> replyType, Duration timeout) {
        Objects.requireNonNull(to, "to");
        byte[] body = encode(request);
        requireJoined();
        View current = view;
        if (current == null || !current.contains(to)) {
            throw new IllegalArgumentException(to + " is not a member of " + name + "'s current view");
        }
        long id = queryIds.incrementAndGet();
        QueryCall<R> call = new QueryCall<>(id, Quorum.of(1), replyType, to, current);
        queries.put(id, call);
        engine.scheduler().schedule(call::timeout, timeout.toMillis(), TimeUnit.MILLISECONDS);
        p2p(to, Envelope.of(Envelope.P2P_QUERY, id, 0, (byte) 0, body));
        return call.future.whenComplete((r, e) -> queries.remove(id)).thenApply(result -> {
            if (result.replies().isEmpty()) {
                throw new VsyncException(result.failed().isEmpty()
                        ? "p2p query to " + to + " timed out after " + timeout
                        : "member " + to + " failed before replying");
            }
            return result.replies().get(0);
        });
    }

    /** Runs the query handler at this member, on the delivery thread, and replies to the requester. */
    private void answer(Envelope request, DeliveryInfo info) {
        Reply.Status status;
        byte[] body = new byte[0];
        try {
            Object payload = decode(request);
            BiFunction<Object, DeliveryInfo, ?> handler = queryHandlers.handlerFor(payload.getClass());
            Object result = null;
            if (handler != null) {
                result = handler.apply(payload, info);
            } else {
                BiConsumer<Object, DeliveryInfo> plain = handlers.handlerFor(payload.getClass());
                if (plain != null) {
                    plain.accept(payload, info);
                }
            }
            if (result == null) {
                status = Reply.Status.NULL;
            } else {
                status = Reply.Status.OK;
                body = engine.codec().encode(result);
            }
        } catch (RuntimeException e) {
            handlerErrors.incrementAndGet();
            status = Reply.Status.ABORT;
            String reason = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            body = reason.getBytes(StandardCharsets.UTF_8);
        }
        p2p(info.sender(), Envelope.of(Envelope.REPLY, request.id(), 0, (byte) status.ordinal(), body));
    }

    /** A reply arrived (protocol thread). */
    private void onReply(MemberId from, Envelope reply) {
        QueryCall<?> call = queries.get(reply.id());
        if (call != null) {
            acceptReply(call, from, reply);
        }
    }

    private <R> void acceptReply(QueryCall<R> call, MemberId from, Envelope reply) {
        Reply.Status[] statuses = Reply.Status.values();
        if (reply.status() < 0 || reply.status() >= statuses.length) {
            undeliverable.incrementAndGet();
            return;
        }
        Reply.Status status = statuses[reply.status()];
        try {
            switch (status) {
                case OK -> {
                    Object value = engine.codec().decode(reply.body(), n -> TypeResolver.resolve(n, engine.classLoader(),
                            call.replyType.getName().equals(n) ? call.replyType : null, call.replyType::isAssignableFrom));
                    call.reply(new Reply<>(from, status, call.replyType.cast(value), null));
                }
                case NULL -> call.reply(new Reply<>(from, status, null, null));
                case ABORT -> call.reply(new Reply<>(from, status, null, new String(reply.body(), StandardCharsets.UTF_8)));
            }
        } catch (RuntimeException e) {
            call.reply(new Reply<>(from, Reply.Status.ABORT, null, "reply did not decode: " + e.getMessage()));
        }
    }

    // ================================================================ from the protocol thread

    void onDeliver(MemberId sender, long msgNo, long viewId, DeliveryKind kind, byte[] payload) {
        try {
            deliver(sender, msgNo, viewId, kind, payload);
        } finally {
            if (kind == DeliveryKind.SAFE && safeLogged) {
                // Where the safe history stands once the handlers have seen this message: the
                // position a checkpoint taken next covers (SafeHistory counts the same way).
                if (viewId != safeViewId) {
                    safeViewId = viewId;
                    safeCount = 0;
                }
                long position = ++safeCount;
                toDeliveryThread(() -> {
                    deliveredSafeView = viewId;
                    deliveredSafeCount = position;
                });
            }
        }
    }

    private void deliver(MemberId sender, long msgNo, long viewId, DeliveryKind kind, byte[] payload) {
        Envelope envelope;
        try {
            envelope = Envelope.parse(payload);
        } catch (IllegalArgumentException e) {
            undeliverable.incrementAndGet();
            return;
        }
        DeliveryInfo info = new DeliveryInfo(name, sender, viewId, kind, false, msgNo);
        switch (envelope.type()) {
            case Envelope.MESSAGE, Envelope.QUERY -> {
                OwnSend own = kind == DeliveryKind.P2P ? null : ownDelivery(sender, msgNo);
                if (envelope.type() == Envelope.QUERY && own != null) {
                    QueryCall<?> call = queries.get(envelope.id());
                    if (call != null) {
                        call.requestDelivered(view);
                    }
                }
                delivered.incrementAndGet();
                deliveredByKind.get(kind).incrementAndGet();
                bytesDelivered.addAndGet(payload.length);
                toDeliveryThread(() -> {
                    try {
                        if (envelope.type() == Envelope.QUERY) {
                            answer(envelope, info);
                        } else {
                            dispatch(envelope, info);
                        }
                    } finally {
                        if (own != null) {
                            engine.metrics().delivered(name, own.kind, System.nanoTime() - own.sentAt);
                            own.future.complete(null);
                        }
                    }
                });
            }
            case Envelope.P2P_QUERY -> toDeliveryThread(() -> answer(envelope, info));
            case Envelope.REPLY -> onReply(sender, envelope);
            case Envelope.STATE_CHUNK -> {
                StateReceiver receiver = stateReceiver;
                // Compared with the view the transfer is for, not the current one: another view
                // change may follow the joiner's admission before its state has arrived.
                if (receiver != null && sender.equals(stateDonor) && envelope.id() == stateViewId) {
                    receiver.chunk(envelope.seq(), envelope.status() == 1, envelope.body());
                }
            }
            case Envelope.STATE_ACK -> {
                StateSender stateSender = stateSenders.get(sender);
                if (stateSender != null) {
                    stateSender.ack(envelope.seq());
                }
            }
            case Envelope.STATE_ABORT -> {
                StateReceiver receiver = stateReceiver;
                if (receiver != null && sender.equals(stateDonor)) {
                    receiver.fail("the donor could not write its state: "
                            + new String(envelope.body(), StandardCharsets.UTF_8));
                }
            }
            default -> undeliverable.incrementAndGet();
        }
    }

    private OwnSend ownDelivery(MemberId sender, long msgNo) {
        if (sender.equals(self) && !ownSends.isEmpty()) {
            OwnSend head = ownSends.peek();
            if (head.msgNo == msgNo || head.msgNo < 0) {
                return ownSends.poll();
            }
        }
        return null;
    }

    private void dispatch(Envelope payload, DeliveryInfo info) {
        Object message;
        try {
            message = decode(payload);
        } catch (RuntimeException e) {
            undeliverable.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "group {0}: payload from {1} not decodable: {2}",
                    name, info.sender(), e.getMessage());
            return;
        }
        BiConsumer<Object, DeliveryInfo> handler = handlers.handlerFor(message.getClass());
        if (handler == null) {
            undeliverable.incrementAndGet();
            return;
        }
        try {
            handler.accept(message, info);
        } catch (RuntimeException e) {
            handlerErrors.incrementAndGet();
            LOG.log(System.Logger.Level.ERROR, "group " + name + ": handler for "
                    + message.getClass().getName() + " failed", e);
        }
    }

    /** Decodes a payload into a type some handler of this group accepts, without copying it out. */
    private Object decode(Envelope payload) {
        return engine.codec().decode(payload.raw(), payload.bodyOffset(), payload.bodyLength(), this::resolveType);
    }

    /**
     * The class a type name stands for, if a handler of this group accepts it. Accepted names
     * are cached; rejected ones are not, so a hostile sender cannot grow the cache.
     */
    private Class<?> resolveType(String typeName) {
        Class<?> cached = acceptedTypes.get(typeName);
        if (cached != null) {
            return cached;
        }
        Class<?> known = handlers.registeredNamed(typeName);
        if (known == null) {
            known = queryHandlers.registeredNamed(typeName);
        }
        Class<?> type = TypeResolver.resolve(typeName, engine.classLoader(), known,
                t -> handlers.handlerFor(t) != null || queryHandlers.handlerFor(t) != null);
        if (type != null) {
            acceptedTypes.put(typeName, type);
        }
        return type;
    }

    void onViewInstalled(View installed) {
        View previous = view;
        if (status == GroupStatus.VIEW_CHANGE) {
            // The core reports MEMBER right after the view; set it first so that nobody who
            // reads the new view still sees the change running (the status event follows).
            status = GroupStatus.MEMBER;
        }
        view = installed;
        viewChanges.incrementAndGet();
        if (viewChangeStartedAt != 0) {
            engine.metrics().viewChanged(name, installed.id(), System.nanoTime() - viewChangeStartedAt);
            viewChangeStartedAt = 0;
        }
        for (QueryCall<?> call : queries.values()) {
            call.viewChanged(installed);
        }
        stateSenders.forEach((joiner, sender) -> {
            if (!installed.contains(joiner)) {
                sender.fail("the joiner " + joiner + " left the view");
            }
        });
        StateReceiver receiver = stateReceiver;
        if (receiver != null && stateDonor != null && !installed.contains(stateDonor)) {
            receiver.fail("the donor " + stateDonor + " left the view");
        }
        MemberId me = engine.node().self(name);
        StateTransfer transfer = stateTransfer;
        StateReceiver incoming = null;
        // A view of joiners only is a new group: nobody has state to give.
        if (transfer != null && Admission.mustLoad(previous, installed, me)) {
            // Register before the chunks can arrive; the delivery thread reads them.
            stateDonor = Admission.donorOf(installed);
            stateViewId = installed.id();
            incoming = new StateReceiver(STATE_TIMEOUT_MS, seq -> p2p(stateDonor,
                    Envelope.of(Envelope.STATE_ACK, installed.id(), seq, (byte) 0, new byte[0])));
            stateReceiver = incoming;
        }
        java.util.List<MemberId> donateTo = transfer == null ? java.util.List.of()
                : Admission.donatesTo(previous, installed, me);
        for (MemberId joiner : donateTo) {
            stateSenders.put(joiner, new StateSender((seq, last, body) -> p2p(joiner,
                    Envelope.of(Envelope.STATE_CHUNK, installed.id(), seq, (byte) (last ? 1 : 0), body)),
                    STATE_TIMEOUT_MS));
        }
        StateReceiver toLoad = incoming;
        java.util.List<MemberId> joiners = donateTo;
        toDeliveryThread(() -> {
            if (toLoad != null && !loadState(transfer, toLoad, installed)) {
                return;
            }
            for (MemberId joiner : joiners) {
                donateState(transfer, joiner);
            }
            for (Consumer<View> listener : viewListeners) {
                try {
                    listener.accept(installed);
                } catch (RuntimeException e) {
                    handlerErrors.incrementAndGet();
                    LOG.log(System.Logger.Level.ERROR, "group " + name + ": view listener failed", e);
                }
            }
        });
    }

    /** @return whether the state loaded; if not, this member leaves and joins again */
    private boolean loadState(StateTransfer transfer, StateReceiver receiver, View installed) {
        try {
            transfer.read(receiver);
            if (!receiver.finished()) {
                throw new IOException("the loader stopped before the end of the state");
            }
            if (safeLogged) {
                // The log's history before this view is superseded by the state: save it, so a
                // restart replays the group's history and not this process's older one.
                deliveredSafeView = installed.id();
                deliveredSafeCount = 0;
                saveCheckpoint(transfer, installed.id(), 0);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            handlerErrors.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "group " + name + ": state transfer into view " + installed.id()
                    + " failed (" + e.getMessage() + "); leaving to join again");
            stateFailed = true;
            engine.submit(() -> engine.node().leave(ProtocolLoop.nowMs(), name));
            engine.submit(() -> engine.node().join(ProtocolLoop.nowMs(), name));
            return false;
        } finally {
            if (stateReceiver == receiver) {
                stateReceiver = null;
            }
        }
    }

    private volatile boolean stateFailed;

    private void donateState(StateTransfer transfer, MemberId joiner) {
        StateSender sender = stateSenders.get(joiner);
        if (sender == null) {
            return;
        }
        try {
            transfer.write(sender);
            sender.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "group " + name + ": could not send state to " + joiner + ": "
                    + e.getMessage());
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            p2p(joiner, Envelope.of(Envelope.STATE_ABORT, 0, 0, (byte) 0, reason.getBytes(StandardCharsets.UTF_8)));
        } finally {
            stateSenders.remove(joiner);
        }
    }

    void onStatusChanged(GroupStatus next) {
        status = next;
        statusSince = Instant.now();
        self = engine.node().self(name);
        switch (next) {
            case VIEW_CHANGE -> viewChangeStartedAt = System.nanoTime();
            case MEMBER -> {
                CompletableFuture<View> waiting = joining;
                View current = view;
                if (waiting != null && current != null) {
                    // Completed on the delivery thread, after the first view's state and listeners.
                    toDeliveryThread(() -> {
                        if (stateFailed) {
                            stateFailed = false;
                        } else {
                            waiting.complete(current);
                        }
                    });
                }
            }
            case PARTITIONED, LEFT -> {
                VsyncException why = new VsyncException("group '" + name + "': this member is "
                        + next + "; the message was not delivered in its view");
                for (OwnSend own : ownSends) {
                    toDeliveryThread(() -> own.future.completeExceptionally(why));
                }
                ownSends.clear();
                StateReceiver receiver = stateReceiver;
                if (receiver != null) {
                    receiver.fail("this member is " + next);
                }
                if (next == GroupStatus.LEFT) {
                    CompletableFuture<Void> waiting = leaving;
                    if (waiting != null) {
                        toDeliveryThread(() -> waiting.complete(null));
                    }
                    for (QueryCall<?> call : queries.values()) {
                        call.abandon(new VsyncException("group '" + name + "': left before the query completed"));
                    }
                }
            }
            default -> {
            }
        }
    }

    /**
     * Queues work for the delivery thread, in order (protocol thread only). Handed over once per
     * protocol batch by {@link #handOver()}: one thread hand-off per batch, not per message.
     */
    private void toDeliveryThread(Runnable task) {
        pendingTasks.add(task);
    }

    /** End of a protocol batch: gives the delivery thread what the batch produced. */
    void handOver() {
        if (pendingTasks.isEmpty()) {
            return;
        }
        List<Runnable> batch = pendingTasks;
        pendingTasks = new ArrayList<>();
        delivery.execute(() -> {
            for (Runnable task : batch) {
                task.run();
            }
        });
    }

    void onReleased(long bytes) {
        flowControl.release(bytes);
    }

    /** Refreshes the counters only the protocol thread can read. */
    void sample() {
        unstable = engine.node().unstable(name);
        pendingSends = engine.node().pendingSends(name);
    }

    void shutdown() {
        delivery.shutdown();
    }

    // ================================================================ queries of state

    @Override
    public View view() {
        return view;
    }

    @Override
    public GroupStatus status() {
        return status;
    }

    @Override
    public Instant statusSince() {
        return statusSince;
    }

    @Override
    public MemberId self() {
        return self;
    }

    @Override
    public GroupStats stats() {
        return new GroupStats(sent.get(), delivered.get(), bytesSent.get(), bytesDelivered.get(), viewChanges.get(),
                unstable, pendingSends, handlerErrors.get(), undeliverable.get(), snapshot(sentByKind),
                snapshot(deliveredByKind));
    }

    private static Map<DeliveryKind, AtomicLong> byKind() {
        Map<DeliveryKind, AtomicLong> counts = new java.util.EnumMap<>(DeliveryKind.class);
        for (DeliveryKind kind : DeliveryKind.values()) {
            counts.put(kind, new AtomicLong());
        }
        return counts;
    }

    private static Map<DeliveryKind, Long> snapshot(Map<DeliveryKind, AtomicLong> counts) {
        Map<DeliveryKind, Long> values = new java.util.EnumMap<>(DeliveryKind.class);
        counts.forEach((kind, count) -> values.put(kind, count.get()));
        return values;
    }

    @Override
    public String toString() {
        return "Group[" + name + ", " + status + ", view " + (view == null ? "-" : view.id()) + "]";
    }
}
