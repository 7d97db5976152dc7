package io.vsync.spring.boot.autoconfigure;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.vsync.api.DeliveryKind;
import io.vsync.api.MetricsListener;

/**
 * Several {@link MetricsListener}s as the engine's one. A listener that throws is logged (once)
 * and does not keep the others from their timings; nothing reaches the engine's threads.
 */
final class CompositeMetricsListener implements MetricsListener {

    private static final Log logger = LogFactory.getLog(CompositeMetricsListener.class);

    private final List<MetricsListener> listeners;

    private volatile boolean warned;

    private CompositeMetricsListener(List<MetricsListener> listeners) {
        this.listeners = listeners;
    }

    /** One listener for all of them: null for none, the listener itself for one. */
    static @Nullable MetricsListener of(List<MetricsListener> listeners) {
        if (listeners.isEmpty()) {
            return null;
        }
        return (listeners.size() == 1) ? guarded(listeners.get(0)) : new CompositeMetricsListener(List.copyOf(listeners));
    }

    private static MetricsListener guarded(MetricsListener listener) {
        return new CompositeMetricsListener(List.of(listener));
    }

    @Override
    public void delivered(String group, DeliveryKind kind, long nanos) {
        for (MetricsListener listener : this.listeners) {
            try {
                listener.delivered(group, kind, nanos);
            }
            catch (RuntimeException ex) {
                failed(listener, ex);
            }
        }
    }

    @Override
    public void viewChanged(String group, long viewId, long nanos) {
        for (MetricsListener listener : this.listeners) {
            try {
                listener.viewChanged(group, viewId, nanos);
            }
            catch (RuntimeException ex) {
                failed(listener, ex);
            }
        }
    }

    @Override
    public void flushed(String group, long nanos) {
        for (MetricsListener listener : this.listeners) {
            try {
                listener.flushed(group, nanos);
            }
            catch (RuntimeException ex) {
                failed(listener, ex);
            }
        }
    }

    private void failed(MetricsListener listener, RuntimeException ex) {
        if (!this.warned) {
            this.warned = true;
            logger.warn("Vsync metrics listener " + listener + " failed (further failures are logged at debug level)",
                    ex);
        }
        else if (logger.isDebugEnabled()) {
            logger.debug("Vsync metrics listener " + listener + " failed", ex);
        }
    }

    @Override
    public String toString() {
        return "CompositeMetricsListener" + this.listeners;
    }

}
