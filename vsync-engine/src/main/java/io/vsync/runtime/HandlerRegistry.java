package io.vsync.runtime;

import io.vsync.api.DeliveryInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The handlers of one group by payload type. A payload goes to the handler of its own class,
 * else of its nearest registered supertype; the answer is cached per class.
 */
final class HandlerRegistry {

    private static final BiConsumer<Object, DeliveryInfo> NONE = (p, i) -> { };

    private final Map<Class<?>, BiConsumer<Object, DeliveryInfo>> handlers = new LinkedHashMap<>();
    private final Map<Class<?>, BiConsumer<Object, DeliveryInfo>> resolved = new ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    synchronized <T> void register(Class<T> type, BiConsumer<? super T, DeliveryInfo> handler) {
        if (handlers.containsKey(type)) {
            throw new IllegalStateException("a handler for " + type.getName() + " is already registered");
        }
        handlers.put(type, (BiConsumer<Object, DeliveryInfo>) handler);
        resolved.clear();
    }

    /** The handler for a payload of this class, or null. */
    BiConsumer<Object, DeliveryInfo> handlerFor(Class<?> type) {
        BiConsumer<Object, DeliveryInfo> handler = resolved.computeIfAbsent(type, this::find);
        return handler == NONE ? null : handler;
    }

    private synchronized BiConsumer<Object, DeliveryInfo> find(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            BiConsumer<Object, DeliveryInfo> handler = handlers.get(c);
            if (handler != null) {
                return handler;
            }
        }
        for (Map.Entry<Class<?>, BiConsumer<Object, DeliveryInfo>> entry : handlers.entrySet()) {
            if (entry.getKey().isAssignableFrom(type)) {
                return entry.getValue();
            }
        }
        return NONE;
    }

    /**
     * Resolves a type name written by the payload codec, only to a class some handler accepts:
     * a hostile payload cannot make this process load an arbitrary class.
     */
    Class<?> resolve(String typeName, ClassLoader loader) {
        synchronized (this) {
            for (Class<?> type : handlers.keySet()) {
                if (type.getName().equals(typeName)) {
                    return type;
                }
            }
        }
        try {
            Class<?> type = Class.forName(typeName, false, loader);
            return handlerFor(type) != null ? type : null;
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }
}
