package io.vsync.spring.boot.autoconfigure.actuate;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

import io.vsync.api.VsyncEngine;
import io.vsync.spring.boot.autoconfigure.VsyncAutoConfiguration;
import io.vsync.spring.boot.autoconfigure.VsyncHandlerRegistry;
import io.vsync.spring.boot.autoconfigure.VsyncProperties;

/** Auto-configuration of the Vsync {@link VsyncHealthIndicator health indicator}. */
@AutoConfiguration(after = VsyncAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class, VsyncEngine.class })
@ConditionalOnBean({ VsyncEngine.class, VsyncProperties.class })
@ConditionalOnEnabledHealthIndicator("vsync")
public final class VsyncHealthContributorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "vsyncHealthContributor")
    VsyncHealthIndicator vsyncHealthContributor(VsyncEngine engine, VsyncProperties properties,
            ObjectProvider<VsyncHandlerRegistry> registry) {
        return new VsyncHealthIndicator(engine, properties, registry.getIfAvailable());
    }

}
