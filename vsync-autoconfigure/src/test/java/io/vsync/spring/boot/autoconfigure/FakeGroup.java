package io.vsync.spring.boot.autoconfigure;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.vsync.api.DeliveryInfo;
import io.vsync.api.DeliveryKind;
import io.vsync.api.Group;
import io.vsync.api.GroupStats;
import io.vsync.api.GroupStatus;
import io.vsync.api.MemberId;
import io.vsync.api.QueryResult;
import io.vsync.api.Quorum;
import io.vsync.api.Reply;
import io.vsync.api.StateTransfer;
import io.vsync.api.View;

/**
 * In-memory group: joining installs a one-member view; {@link #deliver} hands a payload to
 * exactly one registration, the first registered whose type accepts it (which need not be
 * the most specific: the Spring dispatcher must route correctly anyway); {@link #ask} does the
 * same with the query registrations, as the engine answers a query at one member.
 */
public class FakeGroup implements Group {

    record Registration(Class<?> type, BiConsumer<Object, DeliveryInfo> handler) {
    }

    record QueryRegistration(Class<?> type, BiFunction<Object, DeliveryInfo, ?> handler) {
    }

    private final String name;

    private final FakeVsyncEngine engine;

    final List<Registration> registrations = new CopyOnWriteArrayList<>();

    final List<QueryRegistration> queryRegistrations = new CopyOnWriteArrayList<>();

    final List<Consumer<View>> viewListeners = new CopyOnWriteArrayList<>();

    /** The state transfer set by the application, or null. */
    public volatile StateTransfer stateTransfer;

    public volatile Instant statusSince = Instant.now();

    public volatile GroupStatus status = GroupStatus.IDLE;

    public volatile View view;

    public volatile MemberId self;

    public volatile GroupStats stats = new GroupStats(5, 7, 500, 700, 2, 1, 0, 0, 0);

    /** Returned by leaveAsync() when set, instead of leaving at once. */
    public volatile CompletableFuture<Void> leaveResult;

    /** Returned by joinAsync() when set, instead of joining at once. */
    public volatile CompletableFuture<View> joinResult;

    FakeGroup(String name, FakeVsyncEngine engine) {
        this.name = name;
        this.engine = engine;
    }

    @Override
    public String name() {
        return this.name;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Group handle(Class<T> type, Consumer<? super T> handler) {
        return handle(type, (T payload, DeliveryInfo info) -> handler.accept(payload));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Group handle(Class<T> type, BiConsumer<? super T, DeliveryInfo> handler) {
        this.engine.events.add("handle:" + this.name + ":" + type.getSimpleName());
        this.registrations.add(new Registration(type, (BiConsumer<Object, DeliveryInfo>) handler));
        return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Group handleQuery(Class<T> type, BiFunction<? super T, DeliveryInfo, ?> handler) {
        this.engine.events.add("handleQuery:" + this.name + ":" + type.getSimpleName());
        this.queryRegistrations.add(new QueryRegistration(type, (BiFunction<Object, DeliveryInfo, ?>) handler));
        return this;
    }

    @Override
    public Group stateTransfer(StateTransfer transfer) {
        this.engine.events.add("stateTransfer:" + this.name);
        this.stateTransfer = transfer;
        return this;
    }

    @Override
    public <S> Group stateTransfer(Class<S> type, Supplier<? extends S> snapshot, Consumer<? super S> restore) {
        // Like the engine: the object goes through the codec; here it is passed through as is.
        return stateTransfer(new ObjectStateTransfer<>(type, snapshot, restore));
    }

    /** An object state transfer: the fake keeps the object instead of encoding it. */
    public static final class ObjectStateTransfer<S> implements StateTransfer {

        public final Class<S> type;

        private final Supplier<? extends S> snapshot;

        private final Consumer<? super S> restore;

        private volatile Object written;

        ObjectStateTransfer(Class<S> type, Supplier<? extends S> snapshot, Consumer<? super S> restore) {
            this.type = type;
            this.snapshot = snapshot;
            this.restore = restore;
        }

        @Override
        public void write(OutputStream out) {
            this.written = this.snapshot.get();
        }

        @Override
        public void read(InputStream in) {
            this.restore.accept(this.type.cast(this.written));
        }

    }

    /** What the state provider writes, as a donor would. */
    public byte[] writeState() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            this.stateTransfer.write(out);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    /** Gives the state to the loader, as a joiner would. */
    public void readState(byte[] state) throws IOException {
        this.stateTransfer.read(new ByteArrayInputStream(state));
    }

    /**
     * Answers a query as this member would: the first query registration that accepts it; a
     * NullReply when there is none or it returns null, an AbortReply when it throws.
     */
    public Reply<Object> ask(Object request) {
        DeliveryInfo info = new DeliveryInfo(this.name, new MemberId("10.0.0.2:7800", 3), 1, DeliveryKind.ORDERED);
        MemberId me = (this.self != null) ? this.self : new MemberId("127.0.0.1:7800", 1);
        for (QueryRegistration registration : this.queryRegistrations) {
            if (registration.type().isInstance(request)) {
                try {
                    Object value = registration.handler().apply(request, info);
                    return (value != null) ? new Reply<>(me, Reply.Status.OK, value, null)
                            : new Reply<>(me, Reply.Status.NULL, null, null);
                }
                catch (RuntimeException ex) {
                    return new Reply<>(me, Reply.Status.ABORT, null,
                            ex.getClass().getSimpleName() + ": " + ex.getMessage());
                }
            }
        }
        return new Reply<>(me, Reply.Status.NULL, null, null);
    }

    public List<Class<?>> queryTypes() {
        List<Class<?>> types = new ArrayList<>();
        this.queryRegistrations.forEach(r -> types.add(r.type()));
        return types;
    }

    @Override
    public Group onViewChange(Consumer<View> listener) {
        this.engine.events.add("onViewChange:" + this.name);
        this.viewListeners.add(listener);
        return this;
    }

    @Override
    public CompletableFuture<View> joinAsync() {
        this.engine.events.add("join:" + this.name);
        if (this.joinResult != null) {
            this.status = GroupStatus.JOINING;
            return this.joinResult;
        }
        this.self = new MemberId(this.engine.localAddress(), 1);
        installView(new View(this.name, 1, List.of(this.self), List.of(this.self), List.of(), List.of()));
        return CompletableFuture.completedFuture(this.view);
    }

    @Override
    public View join(Duration timeout) {
        return joinAsync().join();
    }

    @Override
    public CompletableFuture<Void> leaveAsync() {
        this.engine.events.add("leave:" + this.name);
        if (this.leaveResult != null) {
            this.status = GroupStatus.LEAVING;
            return this.leaveResult;
        }
        this.status = GroupStatus.LEFT;
        return CompletableFuture.completedFuture(null);
    }

    /** Installs a view and calls the view listeners, as the delivery thread would. */
    public void installView(View view) {
        this.view = view;
        this.status = GroupStatus.MEMBER;
        for (Consumer<View> listener : this.viewListeners) {
            listener.accept(view);
        }
    }

    /** Delivers to the first registration that accepts the payload; false when none does. */
    public boolean deliver(Object payload) {
        return deliver(payload, new DeliveryInfo(this.name, new MemberId("10.0.0.2:7800", 3), 1, DeliveryKind.ORDERED));
    }

    public boolean deliver(Object payload, DeliveryInfo info) {
        for (Registration registration : this.registrations) {
            if (registration.type().isInstance(payload)) {
                registration.handler().accept(payload, info);
                return true;
            }
        }
        return false;
    }

    public List<Class<?>> registeredTypes() {
        List<Class<?>> types = new ArrayList<>();
        this.registrations.forEach(r -> types.add(r.type()));
        return types;
    }

    @Override
    public CompletableFuture<Void> send(Object payload) {
        deliver(payload);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> orderedSend(Object payload) {
        return send(payload);
    }

    @Override
    public CompletableFuture<Void> causalSend(Object payload) {
        return send(payload);
    }

    @Override
    public CompletableFuture<Void> safeSend(Object payload) {
        return send(payload);
    }

    @Override
    public CompletableFuture<Void> flush() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public <R> CompletableFuture<QueryResult<R>> queryAsync(Quorum quorum, Object request, Class<R> replyType,
            Duration timeout) {
        Reply<Object> reply = ask(request);
        Reply<R> typed = new Reply<>(reply.from(), reply.status(), replyType.cast(reply.value()), reply.error());
        return CompletableFuture.completedFuture(new QueryResult<>(1, List.of(typed), List.of(), true));
    }

    @Override
    public <R> CompletableFuture<Reply<R>> p2pQuery(MemberId to, Object request, Class<R> replyType,
            Duration timeout) {
        Reply<Object> reply = ask(request);
        return CompletableFuture
            .completedFuture(new Reply<>(reply.from(), reply.status(), replyType.cast(reply.value()), reply.error()));
    }

    @Override
    public void p2pSend(MemberId to, Object payload) {
    }

    @Override
    public View view() {
        return this.view;
    }

    @Override
    public GroupStatus status() {
        return this.status;
    }

    @Override
    public Instant statusSince() {
        return this.statusSince;
    }

    @Override
    public MemberId self() {
        return this.self;
    }

    @Override
    public GroupStats stats() {
        return this.stats;
    }

}
