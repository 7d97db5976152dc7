package io.vsync.api;

/**
 * Timings the engine measures, for a metrics library. Called from engine threads; must be
 * quick and must not block.
 */
public interface MetricsListener {

    /** This member's own message was delivered to it {@code nanos} after it was sent. */
    default void delivered(String group, DeliveryKind kind, long nanos) {
    }

    /** A view change ended with view {@code viewId}, {@code nanos} after it began here. */
    default void viewChanged(String group, long viewId, long nanos) {
    }

    /** A {@link Group#flush()} completed after {@code nanos}. */
    default void flushed(String group, long nanos) {
    }
}
