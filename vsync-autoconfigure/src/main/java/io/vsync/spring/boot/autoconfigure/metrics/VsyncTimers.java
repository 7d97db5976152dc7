package io.vsync.spring.boot.autoconfigure.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.vsync.api.DeliveryKind;
import io.vsync.api.MetricsListener;

/**
 * The engine's timings as Micrometer timers: {@code vsync.delivery.latency} (tags
 * {@code group}, {@code kind}), {@code vsync.view.change.duration} and
 * {@code vsync.flush.duration} (tag {@code group}).
 *
 * <p>A {@link MetricsListener} (the auto-configuration hands it to the engine's builder) and a
 * {@link MeterBinder} (Spring Boot binds it to the application's registry). Timings that
 * arrive before it is bound are not recorded. The timers are created on first use, per group
 * and kind, and cached: recording is a map lookup and a timer update on the engine's thread.
 */
public class VsyncTimers implements MetricsListener, MeterBinder {

    /** Time from this member's multicast to its delivery at this member. */
    public static final String DELIVERY_LATENCY = "vsync.delivery.latency";

    /** Time from the start of a view change at this member to the installation of the new view. */
    public static final String VIEW_CHANGE_DURATION = "vsync.view.change.duration";

    /** Time a {@code Group.flush()} took to complete. */
    public static final String FLUSH_DURATION = "vsync.flush.duration";

    private static final DeliveryKind[] KINDS = DeliveryKind.values();

    private static final int VIEW_CHANGE = KINDS.length;

    private static final int FLUSH = KINDS.length + 1;

    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

    /** Per group: latency timers by kind ordinal, then view change, then flush; created on first use. */
    private final Map<String, AtomicReferenceArray<Timer[]>> timers = new ConcurrentHashMap<>();

    @Override
    public void bindTo(MeterRegistry registry) {
        if (!this.registries.contains(registry)) {
            this.registries.add(registry);
            this.timers.clear();
        }
    }

    @Override
    public void delivered(String group, DeliveryKind kind, long nanos) {
        record(group, kind.ordinal(), nanos);
    }

    @Override
    public void viewChanged(String group, long viewId, long nanos) {
        record(group, VIEW_CHANGE, nanos);
    }

    @Override
    public void flushed(String group, long nanos) {
        record(group, FLUSH, nanos);
    }

    private void record(String group, int slot, long nanos) {
        if (this.registries.isEmpty()) {
            return;
        }
        AtomicReferenceArray<Timer[]> groupTimers = this.timers.computeIfAbsent(group,
                g -> new AtomicReferenceArray<>(FLUSH + 1));
        Timer[] slotTimers = groupTimers.get(slot);
        if (slotTimers == null) {
            slotTimers = create(group, slot);
            groupTimers.compareAndSet(slot, null, slotTimers);
        }
        for (Timer timer : slotTimers) {
            timer.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The slot's timer in every registry (Micrometer returns the existing one when registered twice). */
    private Timer[] create(String group, int slot) {
        List<MeterRegistry> bound = List.copyOf(this.registries);
        Timer[] result = new Timer[bound.size()];
        for (int i = 0; i < result.length; i++) {
            Timer.Builder builder;
            if (slot == VIEW_CHANGE) {
                builder = Timer.builder(VIEW_CHANGE_DURATION)
                    .description("Time from the start of a view change at this member to the new view");
            }
            else if (slot == FLUSH) {
                builder = Timer.builder(FLUSH_DURATION)
                    .description("Time a flush took until every earlier message of this member was stable");
            }
            else {
                builder = Timer.builder(DELIVERY_LATENCY)
                    .tag("kind", KINDS[slot].name())
                    .description("Time from this member's multicast to its delivery at this member");
            }
            result[i] = builder.tag("group", group).register(bound.get(i));
        }
        return result;
    }

}
