package io.vsync.spring.boot.autoconfigure;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.cbor.CBORMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;

import io.vsync.api.MetricsListener;
import io.vsync.api.PayloadCodec;
import io.vsync.api.VsyncEngine;

/**
 * Auto-configuration of Vsync: the {@link VsyncEngine} built from the {@code vsync.*}
 * properties, its {@link VsyncLifecycle}, one {@link io.vsync.api.Group} bean per configured
 * group, the Jackson {@link PayloadCodec}, and the processing of the Vsync annotations.
 *
 * <p>Every bean backs off when the application defines its own.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass(VsyncEngine.class)
@EnableConfigurationProperties(VsyncProperties.class)
public final class VsyncAutoConfiguration {

    @Bean(name = VsyncAnnotationBeanPostProcessor.BEAN_NAME)
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean(name = VsyncAnnotationBeanPostProcessor.BEAN_NAME)
    static VsyncAnnotationBeanPostProcessor vsyncAnnotationBeanPostProcessor() {
        return new VsyncAnnotationBeanPostProcessor();
    }

    @Bean
    @ConfigurationPropertiesBinding
    static GroupOptionsConverter vsyncGroupOptionsConverter() {
        return new GroupOptionsConverter();
    }

    @Bean
    static VsyncGroupBeanRegistrar vsyncGroupBeanRegistrar() {
        return new VsyncGroupBeanRegistrar();
    }

    @Bean
    @ConditionalOnMissingBean(PayloadCodec.class)
    JacksonPayloadCodec vsyncPayloadCodec(VsyncProperties properties, ObjectProvider<JsonMapper> jsonMapper,
            ObjectProvider<CBORMapper> cborMapper) {
        return switch (properties.getPayloadFormat()) {
            case JSON -> new JacksonPayloadCodec(jsonMapper.getIfUnique(() -> JsonMapper.builder().build()));
            case CBOR -> new JacksonPayloadCodec(cborMapper.getIfUnique(() -> {
                JsonMapper template = jsonMapper.getIfUnique();
                return (template != null) ? JacksonPayloadCodec.cborMapperLike(template) : CBORMapper.builder().build();
            }));
        };
    }

    @Bean
    @ConditionalOnMissingBean
    VsyncEngineConfigurer vsyncEngineConfigurer(VsyncProperties properties, PayloadCodec payloadCodec,
            ObjectProvider<VsyncEngineCustomizer> customizers, ObjectProvider<MetricsListener> metricsListeners) {
        return new VsyncEngineConfigurer(properties, payloadCodec, customizers.orderedStream().toList(),
                metricsListeners.orderedStream().toList());
    }

    @Bean
    @ConditionalOnMissingBean
    VsyncEngine vsyncEngine(VsyncEngineConfigurer configurer, VsyncProperties properties) {
        try {
            return configurer.configure(VsyncEngine.builder()).build();
        }
        catch (VsyncStartupException ex) {
            throw ex;
        }
        catch (RuntimeException ex) {
            throw VsyncStartupException.of("Vsync engine could not be built: " + ex.getMessage(), ex, properties, null);
        }
    }

    @Bean
    @ConditionalOnMissingBean
    VsyncHandlerRegistry vsyncHandlerRegistry(VsyncEngine engine, VsyncProperties properties) {
        return new VsyncHandlerRegistry(engine, properties);
    }

    @Bean
    @ConditionalOnMissingBean
    VsyncLifecycle vsyncLifecycle(VsyncEngine engine, VsyncProperties properties) {
        return new VsyncLifecycle(engine, properties);
    }

}
