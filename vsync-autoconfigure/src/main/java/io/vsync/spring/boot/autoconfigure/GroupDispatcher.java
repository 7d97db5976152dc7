package io.vsync.spring.boot.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.vsync.api.DeliveryInfo;
import io.vsync.api.Group;
import io.vsync.api.View;
import io.vsync.spring.boot.autoconfigure.VsyncProperties.ErrorPolicy;

/**
 * Routes one group's deliveries to its annotated methods. A payload goes to the handler whose
 * parameter type is the most specific supertype of the payload's class (resolved once per
 * class, then cached). A failing handler is retried in place, then the group's error policy
 * applies; a failure never stops later deliveries silently.
 *
 * <p>Every handled type is registered with the group twice: as a message handler and as a query
 * handler. A query goes to the same method as a message of its type would; the method's return
 * value is this member's reply (a {@code void} method, or one returning null, gives a
 * NullReply), and a method that still fails after its attempts gives an AbortReply.
 */
final class GroupDispatcher {

    private static final Log logger = LogFactory.getLog(GroupDispatcher.class);

    private static final Object NO_HANDLER = new Object();

    private final String name;

    private final Group group;

    private final HandlerErrorHandling errorHandling;

    private final Map<Class<?>, HandlerMethod> handlers;

    private final List<HandlerMethod> viewListeners;

    /** Payload class → HandlerMethod, NO_HANDLER, or an ambiguity message (String). */
    private final Map<Class<?>, Object> resolved = new ConcurrentHashMap<>();

    private final AtomicLong errors = new AtomicLong();

    private final AtomicLong skipped = new AtomicLong();

    /** Failures the engine counts among its own handler errors as well: aborted queries, failed state loads. */
    private final AtomicLong countedByEngine = new AtomicLong();

    private volatile @Nullable String failStopReason;

    private volatile @Nullable View lastView;

    GroupDispatcher(String name, Group group, HandlerErrorHandling errorHandling, List<HandlerMethod> handlers,
            List<HandlerMethod> viewListeners) {
        this.name = name;
        this.group = group;
        this.errorHandling = errorHandling;
        Map<Class<?>, HandlerMethod> byType = new LinkedHashMap<>();
        for (HandlerMethod handler : handlers) {
            byType.put(handler.type, handler);
        }
        this.handlers = byType;
        this.viewListeners = List.copyOf(viewListeners);
    }

    /**
     * Registers with the group: per handled type a message and a query handler, and the view
     * listener (always: it also records which view the handlers have seen).
     */
    @SuppressWarnings("unchecked")
    void register() {
        BiConsumer<Object, DeliveryInfo> delivery = this::deliver;
        BiFunction<Object, DeliveryInfo, @Nullable Object> query = this::answer;
        for (Class<?> type : this.handlers.keySet()) {
            this.group.handle((Class<Object>) type, delivery);
            this.group.handleQuery((Class<Object>) type, query);
        }
        this.group.onViewChange(this::viewChanged);
    }

    void deliver(Object payload, DeliveryInfo info) {
        Object target = this.resolved.computeIfAbsent(payload.getClass(), this::resolve);
        if (target instanceof HandlerMethod handler) {
            invoke(handler, "message of type " + payload.getClass().getName() + " from " + info.sender() + " in view "
                    + info.viewId(), arguments(handler, payload, info));
        }
        else {
            // The engine delivers only registered types, so this is an ambiguity or a subtype
            // with handlers on two unrelated interfaces: a programming error, counted like one.
            fail(null, "message of type " + payload.getClass().getName() + " from " + info.sender(),
                    new IllegalStateException(unresolved(target, payload)));
        }
    }

    /**
     * Answers a query at this member: the handler's return value, or null for a NullReply.
     * @throws RuntimeException when the handler still fails after its attempts: the engine
     * turns it into an AbortReply carrying its message
     */
    @Nullable Object answer(Object request, DeliveryInfo info) {
        Object target = this.resolved.computeIfAbsent(request.getClass(), this::resolve);
        String what = "query of type " + request.getClass().getName() + " from " + info.sender() + " in view "
                + info.viewId();
        if (target instanceof HandlerMethod handler) {
            Outcome outcome = invoke(handler, what, arguments(handler, request, info));
            if (outcome.failure != null) {
                this.countedByEngine.incrementAndGet();
                throw asRuntimeException(outcome.failure);
            }
            return outcome.value;
        }
        IllegalStateException failure = new IllegalStateException(unresolved(target, request));
        fail(null, what, failure);
        this.countedByEngine.incrementAndGet();
        throw failure;
    }

    void viewChanged(View view) {
        for (HandlerMethod listener : this.viewListeners) {
            invoke(listener, "view " + view.id(), new Object[] { view });
        }
        // on the delivery thread, after the state transfer of a first view and the listeners
        this.lastView = view;
    }

    private static Object[] arguments(HandlerMethod handler, Object payload, DeliveryInfo info) {
        return handler.withInfo ? new Object[] { payload, info } : new Object[] { payload };
    }

    private static String unresolved(Object target, Object payload) {
        return (target instanceof String message) ? message : "no @GroupHandler accepts " + payload.getClass().getName();
    }

    private static RuntimeException asRuntimeException(Throwable failure) {
        if (failure instanceof RuntimeException runtime) {
            return runtime;
        }
        return new IllegalStateException(failure.toString(), failure);
    }

    /**
     * A state-transfer method failed. Counted and logged here; the engine retries the
     * transfer (the joiner leaves and joins again), so no error policy applies.
     * @param countedByEngine whether the engine counts the failure among its handler errors too
     */
    void stateTransferFailed(HandlerMethod method, String what, Throwable failure, boolean countedByEngine) {
        this.errors.incrementAndGet();
        if (countedByEngine) {
            this.countedByEngine.incrementAndGet();
        }
        logger.error("Vsync " + method.kind.annotation + " " + method.describe() + " of group '" + this.name
                + "' failed " + what + "; the joiner will join again and the transfer is retried", failure);
    }

    /** The handler of the most specific handled supertype of {@code type}. */
    private Object resolve(Class<?> type) {
        HandlerMethod exact = this.handlers.get(type);
        if (exact != null) {
            return exact;
        }
        List<Class<?>> candidates = new ArrayList<>();
        for (Class<?> handled : this.handlers.keySet()) {
            if (handled.isAssignableFrom(type)) {
                candidates.add(handled);
            }
        }
        List<Class<?>> mostSpecific = new ArrayList<>();
        for (Class<?> candidate : candidates) {
            boolean overridden = false;
            for (Class<?> other : candidates) {
                if (other != candidate && candidate.isAssignableFrom(other)) {
                    overridden = true;
                    break;
                }
            }
            if (!overridden) {
                mostSpecific.add(candidate);
            }
        }
        if (mostSpecific.isEmpty()) {
            return NO_HANDLER;
        }
        if (mostSpecific.size() > 1) {
            return "payload of type " + type.getName() + " matches several handlers of group '" + this.name
                    + "' equally: " + mostSpecific.stream().map(c -> this.handlers.get(c).describe()).toList()
                    + "; add a handler for " + type.getSimpleName() + " itself";
        }
        return this.handlers.get(mostSpecific.get(0));
    }

    /** What an invocation came to: the handler's return value, or its last failure. */
    private record Outcome(@Nullable Object value, @Nullable Throwable failure) {

        static final Outcome NOTHING = new Outcome(null, null);

    }

    private Outcome invoke(HandlerMethod handler, String what, Object[] args) {
        if (this.failStopReason != null) {
            this.skipped.incrementAndGet();
            if (logger.isDebugEnabled()) {
                logger.debug("Vsync group '" + this.name + "' stopped after a handler failure; skipping " + what);
            }
            return Outcome.NOTHING;
        }
        int attempts = Math.max(1, this.errorHandling.maxAttempts());
        Throwable last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                return new Outcome(handler.invoke(args), null);
            }
            catch (VirtualMachineError ex) {
                throw ex;
            }
            catch (Throwable ex) {
                last = ex;
                if (attempt < attempts) {
                    if (logger.isDebugEnabled()) {
                        logger.debug("Vsync handler " + handler.describe() + " failed on " + what + " (attempt " + attempt
                                + " of " + attempts + "); retrying", ex);
                    }
                    if (!pause()) {
                        break;
                    }
                }
            }
        }
        fail(handler, what, last);
        return new Outcome(null, last);
    }

    private boolean pause() {
        long millis = this.errorHandling.retryBackoff().toMillis();
        if (millis <= 0) {
            return true;
        }
        try {
            Thread.sleep(millis);
            return true;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void fail(@Nullable HandlerMethod handler, String what, @Nullable Throwable ex) {
        this.errors.incrementAndGet();
        String who = (handler != null) ? "Vsync handler " + handler.describe() : "Vsync group '" + this.name + "'";
        if (this.errorHandling.policy() == ErrorPolicy.FAIL_STOP) {
            String reason = who + " failed on " + what + ": " + ex;
            this.failStopReason = reason;
            logger.error(who + " failed on " + what + "; leaving group '" + this.name
                    + "' (error policy FAIL_STOP): no further messages are delivered to this member", ex);
            try {
                this.group.leaveAsync().whenComplete((ignored, leaveFailure) -> {
                    if (leaveFailure != null) {
                        logger.warn("Vsync group '" + this.name + "' could not be left after a handler failure",
                                leaveFailure);
                    }
                });
            }
            catch (RuntimeException leaveFailure) {
                logger.warn("Vsync group '" + this.name + "' could not be left after a handler failure", leaveFailure);
            }
        }
        else {
            logger.error(who + " failed on " + what + "; continuing with the next message (error policy "
                    + "LOG_AND_CONTINUE)", ex);
        }
    }

    String name() {
        return this.name;
    }

    long errors() {
        return this.errors.get();
    }

    long countedByEngine() {
        return this.countedByEngine.get();
    }

    long skipped() {
        return this.skipped.get();
    }

    @Nullable View lastView() {
        return this.lastView;
    }

    @Nullable String failStopReason() {
        return this.failStopReason;
    }

    List<Class<?>> payloadTypes() {
        return List.copyOf(this.handlers.keySet());
    }

    /** The payload types whose handler returns a reply. */
    List<Class<?>> replyTypes() {
        return this.handlers.values().stream().filter(h -> h.returnsReply).<Class<?>>map(h -> h.type).toList();
    }

}
