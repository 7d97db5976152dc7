package io.vsync.runtime;

import java.util.function.Predicate;

/**
 * Resolves a type name written by the payload codec, only to a class the receiver accepts:
 * a hostile payload cannot make this process load and instantiate an arbitrary class. Names
 * that are not exactly a known type are loaded without initialisation, then checked.
 */
final class TypeResolver {

    private TypeResolver() {
    }

    static Class<?> resolve(String typeName, ClassLoader loader, Class<?> known, Predicate<Class<?>> accepted) {
        if (known != null) {
            return known;
        }
        try {
            Class<?> type = Class.forName(typeName, false, loader);
            return accepted.test(type) ? type : null;
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }
}
