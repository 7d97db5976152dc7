package io.vsync.spring.boot.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.vsync.api.View;
import io.vsync.api.VsyncEngine;
import io.vsync.spring.boot.autoconfigure.HandlerMethod.Kind;

/**
 * The annotated methods bound to the application's groups, and what became of them: handler
 * errors per group, and whether a group was left by the {@code FAIL_STOP} error policy. Read
 * by the actuator endpoint, the health indicator and the meters.
 */
public class VsyncHandlerRegistry {

    private static final Log logger = LogFactory.getLog(VsyncHandlerRegistry.class);

    private final VsyncEngine engine;

    private final VsyncProperties properties;

    // Replaced once, by bind(), and read from any thread afterwards.
    private volatile Map<String, GroupDispatcher> dispatchers = Map.of();

    private volatile Map<String, StateMethods> stateMethods = Map.of();

    private volatile boolean bound;

    VsyncHandlerRegistry(VsyncEngine engine, VsyncProperties properties) {
        this.engine = engine;
        this.properties = properties;
    }

    /** The groups configured under {@code vsync.groups}. */
    public Set<String> getConfiguredGroups() {
        return this.properties.getGroups().keySet();
    }

    /**
     * Invocations of the group's annotated methods that failed after their attempts: message
     * and query handlers, view listeners, state providers and loaders.
     */
    public long getHandlerErrors(String group) {
        GroupDispatcher dispatcher = this.dispatchers.get(group);
        return (dispatcher != null) ? dispatcher.errors() : 0;
    }

    /**
     * Those of {@link #getHandlerErrors(String)} that the engine counts among its own handler
     * errors as well ({@code GroupStats.handlerErrors()}): queries answered with an AbortReply,
     * state loads that failed. Subtract them when adding both.
     */
    public long getHandlerErrorsCountedByEngine(String group) {
        GroupDispatcher dispatcher = this.dispatchers.get(group);
        return (dispatcher != null) ? dispatcher.countedByEngine() : 0;
    }

    /** Why the group was left by the {@code FAIL_STOP} error policy, or null when it was not. */
    public @Nullable String getFailStopReason(String group) {
        GroupDispatcher dispatcher = this.dispatchers.get(group);
        return (dispatcher != null) ? dispatcher.failStopReason() : null;
    }

    /** The payload types the group's {@code @GroupHandler} methods accept. */
    public List<Class<?>> getPayloadTypes(String group) {
        GroupDispatcher dispatcher = this.dispatchers.get(group);
        return (dispatcher != null) ? dispatcher.payloadTypes() : List.of();
    }

    /** The payload types whose {@code @GroupHandler} method returns a reply to queries. */
    public List<Class<?>> getReplyTypes(String group) {
        GroupDispatcher dispatcher = this.dispatchers.get(group);
        return (dispatcher != null) ? dispatcher.replyTypes() : List.of();
    }

    /** Whether the group has annotated methods (of any kind) bound to it. */
    public boolean hasAnnotatedMethods(String group) {
        return this.dispatchers.containsKey(group);
    }

    /**
     * The last view the group's annotated methods have seen: installed, its state transfer
     * done (for a joiner), and its {@code @OnViewChange} methods called. Null before the first,
     * or when the group has no annotated methods. Tests wait for it to know that the
     * application, not only the engine, is in a view.
     */
    public @Nullable View getLastView(String group) {
        GroupDispatcher dispatcher = this.dispatchers.get(group);
        return (dispatcher != null) ? dispatcher.lastView() : null;
    }

    /** Whether the group has {@code @StateProvider} and {@code @StateLoader} methods. */
    public boolean hasStateTransfer(String group) {
        return this.stateMethods.containsKey(group);
    }

    boolean isBound() {
        return this.bound;
    }

    @Nullable GroupDispatcher dispatcher(String group) {
        return this.dispatchers.get(group);
    }

    /**
     * Checks the methods against the configuration and against each other, then registers
     * them with their groups. Called once, after every singleton is created and before any
     * group is joined.
     * @throws InvalidGroupHandlerException listing every problem found
     */
    synchronized void bind(List<HandlerMethod> methods) {
        if (this.bound) {
            throw new IllegalStateException("Vsync handlers are already bound");
        }
        List<String> problems = new ArrayList<>();
        Set<String> configured = getConfiguredGroups();
        Map<String, List<HandlerMethod>> byGroup = new LinkedHashMap<>();
        for (HandlerMethod method : methods) {
            if (!configured.contains(method.group)) {
                problems.add(method.kind.annotation + " method " + method.describe() + " refers to group '"
                        + method.group + "', which is not configured: add it under vsync.groups (configured: "
                        + configured + ")");
                continue;
            }
            byGroup.computeIfAbsent(method.group, g -> new ArrayList<>()).add(method);
        }
        Map<String, GroupDispatcher> dispatchers = new LinkedHashMap<>();
        Map<String, StateMethods> states = new LinkedHashMap<>();
        byGroup.forEach((group, groupMethods) -> {
            List<HandlerMethod> handlers = ofKind(groupMethods, Kind.MESSAGE);
            Map<Class<?>, List<HandlerMethod>> byType = handlers.stream()
                .collect(Collectors.groupingBy(h -> h.type, LinkedHashMap::new, Collectors.toList()));
            byType.forEach((type, same) -> {
                if (same.size() > 1) {
                    problems.add("group '" + group + "' has " + same.size() + " @GroupHandler methods for payload type "
                            + type.getName() + ": " + HandlerMethod.describeAll(same) + "; keep one");
                }
            });
            StateMethods state = checkState(group, groupMethods, problems);
            if (state != null) {
                states.put(group, state);
            }
            dispatchers.put(group, new GroupDispatcher(group, this.engine.group(group),
                    this.properties.errorHandling(group), handlers, ofKind(groupMethods, Kind.VIEW)));
        });
        if (!problems.isEmpty()) {
            throw new InvalidGroupHandlerException(problems);
        }
        dispatchers.values().forEach(GroupDispatcher::register);
        states.forEach((group, state) -> {
            StateTransferAdapter.register(this.engine.group(group), state.provider(), state.loader(),
                    dispatchers.get(group));
            if (logger.isDebugEnabled()) {
                logger.debug("Vsync group '" + group + "' transfers its state to joiners with @StateProvider "
                        + state.provider().describe() + " and @StateLoader " + state.loader().describe());
            }
        });
        this.dispatchers = dispatchers;
        this.stateMethods = states;
        this.bound = true;
    }

    private static @Nullable StateMethods checkState(String group, List<HandlerMethod> methods, List<String> problems) {
        List<HandlerMethod> providers = ofKind(methods, Kind.STATE_PROVIDER);
        List<HandlerMethod> loaders = ofKind(methods, Kind.STATE_LOADER);
        if (providers.isEmpty() && loaders.isEmpty()) {
            return null;
        }
        int before = problems.size();
        if (providers.size() > 1) {
            problems.add("group '" + group + "' has several @StateProvider methods: "
                    + HandlerMethod.describeAll(providers) + "; keep one");
        }
        if (loaders.size() > 1) {
            problems.add("group '" + group + "' has several @StateLoader methods: " + HandlerMethod.describeAll(loaders)
                    + "; keep one");
        }
        if (providers.isEmpty()) {
            problems.add("group '" + group + "' has a @StateLoader " + HandlerMethod.describeAll(loaders)
                    + " but no @StateProvider: members could not give their state to joiners");
        }
        if (loaders.isEmpty()) {
            problems.add("group '" + group + "' has a @StateProvider " + HandlerMethod.describeAll(providers)
                    + " but no @StateLoader: joiners could not load the state");
        }
        if (problems.size() > before) {
            return null;
        }
        HandlerMethod provider = providers.get(0);
        HandlerMethod loader = loaders.get(0);
        if (provider.streaming != loader.streaming) {
            HandlerMethod streaming = provider.streaming ? provider : loader;
            HandlerMethod object = provider.streaming ? loader : provider;
            problems.add("group '" + group + "': " + streaming.kind.annotation + " " + streaming.describe()
                    + " streams the state but " + object.kind.annotation + " " + object.describe()
                    + " passes it as an object; use a provider writing to an OutputStream with a loader reading an"
                    + " InputStream, or a provider returning the state with a loader taking it");
            return null;
        }
        if (provider.streaming) {
            return new StateMethods(provider, loader);
        }
        if (!loader.type.isAssignableFrom(provider.type)) {
            problems.add("group '" + group + "': @StateLoader " + loader.describe() + " takes "
                    + loader.type.getName() + ", which cannot accept the " + provider.type.getName()
                    + " returned by @StateProvider " + provider.describe());
            return null;
        }
        return new StateMethods(provider, loader);
    }

    private static List<HandlerMethod> ofKind(List<HandlerMethod> methods, Kind kind) {
        return methods.stream().filter(m -> m.kind == kind).toList();
    }

    /** A group's state-transfer methods. */
    record StateMethods(HandlerMethod provider, HandlerMethod loader) {
    }

}
