package io.vsync.spring.boot.autoconfigure;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

import io.vsync.api.Group;
import io.vsync.api.VsyncEngine;

/**
 * Registers one {@link Group} bean per group under {@code vsync.groups}, named after the group,
 * so that it can be injected by name or {@code @Qualifier}. Invalid names are left to the
 * validation of {@link VsyncProperties}, which reports them.
 */
class VsyncGroupBeanRegistrar implements BeanDefinitionRegistryPostProcessor, EnvironmentAware {

    private @Nullable Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) throws BeansException {
        if (!(registry instanceof BeanFactory beanFactory) || this.environment == null) {
            return;
        }
        // Only the names matter here; the options are bound (and validated) by VsyncProperties.
        Map<String, Object> groups = Binder.get(this.environment)
            .bind("vsync.groups", Bindable.mapOf(String.class, Object.class))
            .orElse(Map.of());
        for (String name : groups.keySet()) {
            if (!VsyncProperties.GROUP_NAME.matcher(name).matches()) {
                continue;
            }
            if (registry.containsBeanDefinition(name)) {
                throw new InvalidConfigurationPropertyValueException("vsync.groups", name, "a bean named '" + name
                        + "' already exists, and each group is a bean named after it: rename the group or that bean");
            }
            RootBeanDefinition definition = new RootBeanDefinition(Group.class,
                    () -> beanFactory.getBean(VsyncEngine.class).group(name));
            definition.setDescription("Vsync group '" + name + "' (vsync.groups." + name + ")");
            registry.registerBeanDefinition(name, definition);
        }
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) throws BeansException {
    }

}
