package io.vsync.spring.boot.autoconfigure.actuate;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.vsync.api.VsyncEngine;
import io.vsync.spring.boot.autoconfigure.VsyncAutoConfiguration;
import io.vsync.spring.boot.autoconfigure.VsyncHandlerRegistry;

/** Auto-configuration of the {@code vsync} actuator endpoint. */
@AutoConfiguration(after = VsyncAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class, VsyncEngine.class })
@ConditionalOnBean(VsyncEngine.class)
@ConditionalOnAvailableEndpoint(VsyncEndpoint.class)
public final class VsyncEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    VsyncEndpoint vsyncEndpoint(VsyncEngine engine, ObjectProvider<VsyncHandlerRegistry> registry) {
        return new VsyncEndpoint(engine, registry.getIfAvailable());
    }

}
