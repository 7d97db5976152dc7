package io.vsync.spring.boot.autoconfigure;

/** Test helper: the innermost cause of a failure (the failure itself when it has none). */
final class Failures {

    private Failures() {
    }

    static Throwable root(Throwable failure) {
        Throwable current = failure;
        while (current.getCause() != null && current.getCause() != current) {
            current = current.getCause();
        }
        return current;
    }

    /** The first throwable of the given type in the cause chain. */
    static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable current = failure; current != null; current = current.getCause()) {
            if (type.isInstance(current)) {
                return type.cast(current);
            }
        }
        throw new AssertionError("no " + type.getName() + " in " + failure, failure);
    }

}
