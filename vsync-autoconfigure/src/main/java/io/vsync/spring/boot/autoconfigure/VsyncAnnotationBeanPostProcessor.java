package io.vsync.spring.boot.autoconfigure;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.AopInfrastructureBean;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ReflectionUtils;

import io.vsync.api.Group;
import io.vsync.api.VsyncEngine;
import io.vsync.spring.annotation.GroupHandler;
import io.vsync.spring.annotation.OnViewChange;
import io.vsync.spring.annotation.StateLoader;
import io.vsync.spring.annotation.StateProvider;
import io.vsync.spring.boot.autoconfigure.HandlerMethod.Kind;

/**
 * Finds the methods annotated with {@link GroupHandler}, {@link OnViewChange},
 * {@link StateProvider} and {@link StateLoader} (directly or through composed annotations, on
 * the target class of AOP proxies), validates their signatures at once, and binds them all to
 * their groups when every singleton has been created: before the engine's lifecycle starts
 * and joins the groups, so that no delivery of a first view is missed.
 *
 * <p>Registered by the auto-configuration under {@link #BEAN_NAME}.
 */
public class VsyncAnnotationBeanPostProcessor
        implements BeanPostProcessor, SmartInitializingSingleton, BeanFactoryAware, Ordered {

    /** Name under which the auto-configuration registers this post-processor. */
    public static final String BEAN_NAME = "io.vsync.spring.boot.autoconfigure.internalVsyncAnnotationProcessor";

    private static final List<Class<? extends Annotation>> ANNOTATIONS = List.of(GroupHandler.class,
            OnViewChange.class, StateProvider.class, StateLoader.class);

    private final Set<Class<?>> nonAnnotatedClasses = ConcurrentHashMap.newKeySet();

    private final List<HandlerMethod> found = new ArrayList<>();

    private @Nullable BeanFactory beanFactory;

    private volatile boolean bound;

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
        if (bean instanceof AopInfrastructureBean || bean instanceof VsyncEngine || bean instanceof Group
                || ScopedProxyUtils.isScopedTarget(beanName)) {
            return bean;
        }
        Class<?> targetClass = AopUtils.getTargetClass(bean);
        if (this.nonAnnotatedClasses.contains(targetClass)) {
            return bean;
        }
        if (!AnnotationUtils.isCandidateClass(targetClass, ANNOTATIONS)) {
            this.nonAnnotatedClasses.add(targetClass);
            return bean;
        }
        Map<Method, List<Found>> annotated = MethodIntrospector.selectMethods(targetClass,
                (MethodIntrospector.MetadataLookup<List<Found>>) VsyncAnnotationBeanPostProcessor::findAnnotations);
        if (annotated.isEmpty()) {
            this.nonAnnotatedClasses.add(targetClass);
            return bean;
        }
        List<String> problems = new ArrayList<>();
        List<HandlerMethod> methods = new ArrayList<>();
        annotated.forEach((method, annotations) -> {
            if (annotations.size() > 1) {
                problems.add("method " + HandlerMethod.describe(method) + " of bean '" + beanName + "' has "
                        + annotations.stream().map(f -> f.kind.annotation).toList() + ": use one per method");
                return;
            }
            Found one = annotations.get(0);
            Method invocable;
            try {
                invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
            }
            catch (IllegalStateException ex) {
                problems.add(one.kind.annotation + " method " + HandlerMethod.describe(method) + " of bean '" + beanName
                        + "' cannot be invoked through the bean's proxy: " + ex.getMessage());
                return;
            }
            ReflectionUtils.makeAccessible(invocable);
            HandlerMethod handler = HandlerMethod.create(one.kind, one.group, beanName, bean, method, invocable,
                    problems);
            if (handler != null) {
                methods.add(handler);
            }
        });
        if (!problems.isEmpty()) {
            throw new InvalidGroupHandlerException(problems);
        }
        synchronized (this.found) {
            if (this.bound) {
                throw new InvalidGroupHandlerException(List.of("bean '" + beanName + "' has Vsync annotated methods "
                        + methods + " but was created after the groups were bound (a lazy or prototype bean?):"
                        + " handlers must be on eagerly created singleton beans"));
            }
            this.found.addAll(methods);
        }
        return bean;
    }

    private static @Nullable List<Found> findAnnotations(Method method) {
        List<Found> result = new ArrayList<>(1);
        GroupHandler handler = AnnotatedElementUtils.findMergedAnnotation(method, GroupHandler.class);
        if (handler != null) {
            result.add(new Found(Kind.MESSAGE, handler.group()));
        }
        OnViewChange view = AnnotatedElementUtils.findMergedAnnotation(method, OnViewChange.class);
        if (view != null) {
            result.add(new Found(Kind.VIEW, view.group()));
        }
        StateProvider provider = AnnotatedElementUtils.findMergedAnnotation(method, StateProvider.class);
        if (provider != null) {
            result.add(new Found(Kind.STATE_PROVIDER, provider.group()));
        }
        StateLoader loader = AnnotatedElementUtils.findMergedAnnotation(method, StateLoader.class);
        if (loader != null) {
            result.add(new Found(Kind.STATE_LOADER, loader.group()));
        }
        return result.isEmpty() ? null : result;
    }

    @Override
    public void afterSingletonsInstantiated() {
        List<HandlerMethod> methods;
        synchronized (this.found) {
            this.bound = true;
            methods = List.copyOf(this.found);
            this.found.clear();
        }
        VsyncHandlerRegistry registry = (this.beanFactory != null)
                ? this.beanFactory.getBeanProvider(VsyncHandlerRegistry.class).getIfAvailable() : null;
        if (registry == null) {
            if (!methods.isEmpty()) {
                throw new InvalidGroupHandlerException(List.of("Vsync annotated methods " + methods
                        + " were found, but there is no VsyncHandlerRegistry bean to bind them"));
            }
            return;
        }
        registry.bind(methods);
    }

    private record Found(Kind kind, String group) {
    }

}
