package io.vsync.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Handlers of one kind by payload type. A payload goes to the handler of its own class, else
 * of its nearest registered superclass, else of a registered interface it implements; the
 * answer is cached per class. At most one handler is ever chosen.
 */
final class TypeRegistry<H> {

    private final Map<Class<?>, H> handlers = new LinkedHashMap<>();
    private final Map<Class<?>, Optional<H>> resolved = new ConcurrentHashMap<>();

    synchronized void register(Class<?> type, H handler) {
        if (handlers.containsKey(type)) {
            throw new IllegalStateException("a handler for " + type.getName() + " is already registered");
        }
        handlers.put(type, handler);
        resolved.clear();
    }

    /** The handler for a payload of this class, or null. */
    H handlerFor(Class<?> type) {
        return resolved.computeIfAbsent(type, this::find).orElse(null);
    }

    synchronized boolean isEmpty() {
        return handlers.isEmpty();
    }

    /** The registered type with this exact name, or null. */
    synchronized Class<?> registeredNamed(String name) {
        for (Class<?> type : handlers.keySet()) {
            if (type.getName().equals(name)) {
                return type;
            }
        }
        return null;
    }

    private synchronized Optional<H> find(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            H handler = handlers.get(c);
            if (handler != null) {
                return Optional.of(handler);
            }
        }
        for (Map.Entry<Class<?>, H> entry : handlers.entrySet()) {
            if (entry.getKey().isAssignableFrom(type)) {
                return Optional.of(entry.getValue());
            }
        }
        return Optional.empty();
    }
}
