package io.vsync.runtime;

import io.vsync.api.DeliveryInfo;
import io.vsync.api.DeliveryKind;
import io.vsync.api.Group;
import io.vsync.api.GroupStats;
import io.vsync.api.GroupStatus;
import io.vsync.api.MemberId;
import io.vsync.api.MessageTooLargeException;
import io.vsync.api.NotJoinedException;
import io.vsync.api.PayloadCodec;
import io.vsync.api.View;
import io.vsync.api.VsyncException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The application's handle of one group. Application threads call it; it hands work to the
 * protocol thread and runs handlers on the group's own delivery thread, in delivery order.
 */
final class GroupHandle implements Group {

    private static final System.Logger LOG = System.getLogger(GroupHandle.class.getName());

    /** A send of this member waiting for its own delivery. */
    private static final class OwnSend {
        long msgNo = -1;
        final CompletableFuture<Void> future = new CompletableFuture<>();
    }

    private final String name;
    private final EngineCore engine;
    private final HandlerRegistry handlers = new HandlerRegistry();
    private final List<Consumer<View>> viewListeners = new CopyOnWriteArrayList<>();
    private final FlowControl flowControl;
    private final ExecutorService delivery;

    // Written by the protocol thread, read by anyone.
    private volatile View view;
    private volatile GroupStatus status = GroupStatus.IDLE;
    private volatile MemberId self;
    private volatile CompletableFuture<View> joining;
    private volatile CompletableFuture<Void> leaving;

    /** Protocol thread only: own sends in send order, which is their delivery order. */
    private final ArrayDeque<OwnSend> ownSends = new ArrayDeque<>();

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
        this.flowControl = new FlowControl(sendWindow);
        this.delivery = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "vsync-deliver-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String name() {
        return name;
    }

    // ---------------------------------------------------------------- registration

    @Override
    public <T> Group handle(Class<T> type, Consumer<? super T> handler) {
        Objects.requireNonNull(handler, "handler");
        return handle(type, (T payload, DeliveryInfo info) -> handler.accept(payload));
    }

    @Override
    public <T> Group handle(Class<T> type, BiConsumer<? super T, DeliveryInfo> handler) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(handler, "handler");
        handlers.register(type, handler);
        return this;
    }

    @Override
    public Group onViewChange(Consumer<View> listener) {
        viewListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    // ---------------------------------------------------------------- membership

    @Override
    public synchronized CompletableFuture<View> joinAsync() {
        engine.requireRunning();
        if (status == GroupStatus.MEMBER && view != null) {
            return CompletableFuture.completedFuture(view);
        }
        if (joining == null || joining.isDone()) {
            joining = new CompletableFuture<>();
            engine.submit(() -> engine.node().join(ProtocolLoop.nowMs(), name));
        }
        return joining;
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

    // ---------------------------------------------------------------- sending

    @Override
    public CompletableFuture<Void> send(Object payload) {
        return multicast(DeliveryKind.FIFO, payload);
    }

    @Override
    public CompletableFuture<Void> orderedSend(Object payload) {
        return multicast(DeliveryKind.ORDERED, payload);
    }

    private CompletableFuture<Void> multicast(DeliveryKind kind, Object payload) {
        byte[] bytes = encode(payload);
        requireJoined();
        flowControl.acquire(name, bytes.length, engine.sendTimeoutMs());
        OwnSend own = new OwnSend();
        engine.submit(() -> {
            ownSends.add(own);
            long msgNo = engine.node().send(ProtocolLoop.nowMs(), name, kind, bytes);
            if (msgNo < 0) {
                ownSends.remove(own);
                flowControl.release(bytes.length);
                own.future.completeExceptionally(new NotJoinedException(name, status));
            } else {
                own.msgNo = msgNo;
                sent.incrementAndGet();
                bytesSent.addAndGet(bytes.length);
            }
        });
        return own.future;
    }

    @Override
    public void p2pSend(MemberId to, Object payload) {
        Objects.requireNonNull(to, "to");
        byte[] bytes = encode(payload);
        requireJoined();
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

    // ---------------------------------------------------------------- from the protocol thread

    void onDeliver(MemberId sender, long msgNo, long viewId, DeliveryKind kind, byte[] payload) {
        OwnSend own = null;
        if (sender.equals(self) && kind != DeliveryKind.P2P && !ownSends.isEmpty()) {
            OwnSend head = ownSends.peek();
            if (head.msgNo == msgNo || head.msgNo < 0) {
                own = ownSends.poll();
            }
        }
        OwnSend completion = own;
        delivered.incrementAndGet();
        bytesDelivered.addAndGet(payload.length);
        delivery.execute(() -> dispatch(new DeliveryInfo(name, sender, viewId, kind), payload, completion));
    }

    private void dispatch(DeliveryInfo info, byte[] payload, OwnSend completion) {
        try {
            Object message;
            try {
                message = engine.codec().decode(payload, typeName -> handlers.resolve(typeName, engine.classLoader()));
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
        } finally {
            if (completion != null) {
                completion.future.complete(null);
            }
        }
    }

    void onViewInstalled(View installed) {
        view = installed;
        viewChanges.incrementAndGet();
        delivery.execute(() -> {
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

    void onStatusChanged(GroupStatus next) {
        status = next;
        self = engine.node().self(name);
        switch (next) {
            case MEMBER -> {
                CompletableFuture<View> waiting = joining;
                View current = view;
                if (waiting != null && current != null) {
                    // Completed on the delivery thread, after the first view's listeners ran.
                    delivery.execute(() -> waiting.complete(current));
                }
            }
            case PARTITIONED, LEFT -> {
                VsyncException why = new VsyncException("group '" + name + "': this member is "
                        + next + "; the message was not delivered in its view");
                for (OwnSend own : ownSends) {
                    delivery.execute(() -> own.future.completeExceptionally(why));
                }
                ownSends.clear();
                if (next == GroupStatus.LEFT) {
                    CompletableFuture<Void> waiting = leaving;
                    if (waiting != null) {
                        delivery.execute(() -> waiting.complete(null));
                    }
                    CompletableFuture<View> joinWaiting = joining;
                    if (joinWaiting != null && !joinWaiting.isDone()) {
                        joinWaiting.completeExceptionally(new VsyncException("group '" + name + "': left before joining"));
                    }
                }
            }
            default -> {
            }
        }
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

    // ---------------------------------------------------------------- queries

    @Override
    public View view() {
        return view;
    }

    @Override
    public GroupStatus status() {
        return status;
    }

    @Override
    public MemberId self() {
        return self;
    }

    @Override
    public GroupStats stats() {
        return new GroupStats(sent.get(), delivered.get(), bytesSent.get(), bytesDelivered.get(), viewChanges.get(),
                unstable, pendingSends, handlerErrors.get(), undeliverable.get());
    }

    @Override
    public String toString() {
        return "Group[" + name + ", " + status + ", view " + (view == null ? "-" : view.id()) + "]";
    }
}
