package io.vsync.spring.boot.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import io.vsync.api.DeliveryInfo;
import io.vsync.api.DeliveryKind;
import io.vsync.api.Group;
import io.vsync.api.GroupStats;
import io.vsync.api.GroupStatus;
import io.vsync.api.MemberId;
import io.vsync.api.View;

/**
 * In-memory group: joining installs a one-member view; {@link #deliver} hands a payload to
 * exactly one registration, the first registered whose type accepts it (which need not be
 * the most specific: the Spring dispatcher must route correctly anyway).
 */
public class FakeGroup implements Group {

    record Registration(Class<?> type, BiConsumer<Object, DeliveryInfo> handler) {
    }

    private final String name;

    private final FakeVsyncEngine engine;

    final List<Registration> registrations = new CopyOnWriteArrayList<>();

    final List<Consumer<View>> viewListeners = new CopyOnWriteArrayList<>();

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
    public MemberId self() {
        return this.self;
    }

    @Override
    public GroupStats stats() {
        return this.stats;
    }

}
