package io.vsync.sample.kv;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.stereotype.Component;

/** The service's own meters, beside the starter's {@code vsync.*}: {@code kv.keys}, {@code kv.position}. */
@Component
class KvMetrics implements MeterBinder {

    private final KvStore store;

    KvMetrics(KvReplica replica) {
        this.store = replica.store();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("kv.keys", this.store, KvStore::size)
            .description("keys in this replica's map")
            .register(registry);
        Gauge.builder("kv.position", this.store, KvStore::position)
            .description("updates applied by this replica: its position in the group's order")
            .register(registry);
    }
}
