package io.vsync.spring.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.vsync.api.VsyncEngine;
import io.vsync.spring.boot.autoconfigure.VsyncAutoConfiguration;
import io.vsync.spring.boot.autoconfigure.VsyncHandlerRegistry;
import io.vsync.spring.boot.autoconfigure.VsyncProperties;

/** Auto-configuration of the Vsync Micrometer meters. */
@AutoConfiguration(after = VsyncAutoConfiguration.class,
        afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass({ MeterRegistry.class, VsyncEngine.class })
@ConditionalOnBean({ MeterRegistry.class, VsyncEngine.class })
public final class VsyncMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    VsyncMetrics vsyncMetrics(VsyncEngine engine, ObjectProvider<VsyncProperties> properties,
            ObjectProvider<VsyncHandlerRegistry> registry) {
        VsyncProperties p = properties.getIfAvailable();
        return new VsyncMetrics(engine, (p != null) ? p.getGroups().keySet() : java.util.Set.of(),
                registry.getIfAvailable());
    }

    @Bean
    @ConditionalOnMissingBean
    VsyncTimers vsyncTimers() {
        return new VsyncTimers();
    }

}
