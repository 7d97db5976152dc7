package io.vsync.spring.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.Banner;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.vsync.api.Group;
import io.vsync.api.GroupStatus;
import io.vsync.api.View;
import io.vsync.api.VsyncEngine;
import io.vsync.runtime.NioVsyncEngine;
import io.vsync.runtime.TransportFactory;
import io.vsync.spring.boot.autoconfigure.VsyncEngineCustomizer;
import io.vsync.spring.boot.autoconfigure.VsyncHandlerRegistry;
import io.vsync.spring.boot.autoconfigure.VsyncProperties;
import io.vsync.testing.FaultSchedule;
import io.vsync.testing.InMemoryNetwork;

/**
 * Several instances of a Spring Boot application running as one Vsync cluster in one JVM, for
 * tests: each member is a full {@code SpringApplication} context of the given sources, with its
 * own engine, annotated handlers, health and endpoint. The members talk over loopback TCP on free
 * ports, or over the engine's {@link InMemoryNetwork} with a seed. Members can be crashed,
 * partitioned, healed, stopped, restarted and added, and a {@link FaultSchedule} can drive the
 * faults.
 *
 * <pre>{@code
 * try (VsyncTestCluster cluster = VsyncTestCluster.builder(BankApplication.class)
 *         .members(3)
 *         .inMemory(42)                                  // or .loopback()
 *         .properties("vsync.groups.accounts=")
 *         .start()) {
 *     cluster.awaitView("accounts", 3);
 *     cluster.bean(0, AccountService.class).deposit("alice", 10);
 *     cluster.crash(2);
 *     cluster.awaitView("accounts", 2);                  // at every running member
 *     ...
 * }
 * }</pre>
 *
 * <p>For each member the cluster sets {@code vsync.node-name} ({@code member-<i>}),
 * {@code vsync.bind-address} ({@code 127.0.0.1}), {@code vsync.port} (a free port, kept across
 * restarts) and {@code vsync.seeds} (every member's address, as the engine wants it: a member
 * alone after a partition then waits for the others instead of creating the group anew), and
 * plugs its transport into the engine
 * through a {@link VsyncEngineCustomizer}: an application that builds its own engine bean must
 * build it with {@link io.vsync.spring.boot.autoconfigure.VsyncEngineConfigurer}. Members start one
 * after the other, each joining its groups before the next starts. No web server is started
 * unless {@link Builder#web(boolean)} asks for one (then on a free port).
 *
 * <p>A crash is a hard stop: the member's network goes silent at once (its peers see its
 * connections reset, then refused), so the others remove it as failed; its application context
 * is then closed in the background without a graceful leave. Methods are thread-safe, so a
 * fault schedule can act while the test sends.
 */
public final class VsyncTestCluster implements AutoCloseable {

    private static final Log logger = LogFactory.getLog(VsyncTestCluster.class);

    private static final String LOCALHOST = "127.0.0.1";

    /** Where a member stands. */
    public enum MemberState {

        /** Started, not crashed or stopped. */
        RUNNING,

        /** Crashed by {@link #crash(int)}; can be restarted. */
        CRASHED,

        /** Stopped gracefully by {@link #stop(int)}; can be restarted. */
        STOPPED

    }

    private static final class Member {

        final int index;

        /** Fixed for the member's life, across restarts: every member is every other's seed. */
        final int port;

        final String address;

        @Nullable ConfigurableApplicationContext context;

        MemberState state = MemberState.STOPPED;

        Member(int index, int port) {
            this.index = index;
            this.port = port;
            this.address = LOCALHOST + ":" + port;
        }

    }

    private final Builder settings;

    private final @Nullable InMemoryNetwork network;

    private final @Nullable LoopbackNetwork loopback;

    private final TransportFactory transportFactory;

    private final List<Member> members = new ArrayList<>();

    private final List<CompletableFuture<Void>> closing = new ArrayList<>();

    private volatile boolean closed;

    private VsyncTestCluster(Builder settings) {
        this.settings = settings;
        if (settings.network != null) {
            this.network = settings.network;
            this.loopback = null;
            this.transportFactory = this.network::transport;
        }
        else {
            this.network = null;
            this.loopback = new LoopbackNetwork();
            this.transportFactory = this.loopback::transport;
        }
    }

    /** A cluster of members running the application made of these sources (configuration classes). */
    public static Builder builder(Class<?>... sources) {
        return new Builder(sources);
    }

    // ---------------------------------------------------------------- starting members

    private void startAll() {
        logger.info("VsyncTestCluster: starting " + this.settings.members + " members of "
                + Arrays.stream(this.settings.sources).map(Class::getSimpleName).toList() + " over "
                + ((this.network != null) ? "the in-memory network (seed " + this.network.seed() + ")" : "loopback TCP"));
        try {
            for (int i = 0; i < this.settings.members; i++) {
                this.members.add(new Member(i, freePort()));
            }
            for (Member member : this.members) {
                launch(member);
            }
        }
        catch (RuntimeException ex) {
            close();
            throw ex;
        }
    }

    /** Adds a member and starts it: it joins through the running members. @return its number */
    public synchronized int addMember() {
        checkOpen();
        Member member = new Member(this.members.size(), freePort());
        this.members.add(member);
        launch(member);
        return member.index;
    }

    /** Starts a new incarnation of a crashed or stopped member, joining through the running ones. */
    public synchronized void restart(int index) {
        checkOpen();
        Member member = member(index);
        if (member.state == MemberState.RUNNING) {
            throw new IllegalStateException("member " + index + " is running: crash or stop it first");
        }
        launch(member);
    }

    /**
     * A port for a new member. Over the in-memory network, the next one from 7800 that no node
     * holds; over loopback, one the OS reports free (it could be taken again before the member
     * binds it, which is unlikely and then fails the member's start).
     */
    private int freePort() {
        if (this.network != null) {
            Set<String> taken = this.network.addresses();
            int port = 7800 + this.members.size();
            while (taken.contains(LOCALHOST + ":" + port) || isMemberPort(port)) {
                port++;
            }
            return port;
        }
        while (true) {
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
                    java.net.InetAddress.getByName(LOCALHOST))) {
                int port = socket.getLocalPort();
                if (!isMemberPort(port)) {
                    return port;
                }
            }
            catch (java.io.IOException ex) {
                throw new IllegalStateException("no free port on " + LOCALHOST, ex);
            }
        }
    }

    private boolean isMemberPort(int port) {
        return this.members.stream().anyMatch(m -> m.port == port);
    }

    private void launch(Member member) {
        // Every member is every member's seed (its own address included): the engine creates a
        // group only when no seed may host it, so a member that finds itself alone after a
        // partition waits for the others instead of making a second group of the same name.
        List<String> seeds = new ArrayList<>();
        for (Member other : this.members) {
            seeds.add(other.address);
        }
        List<String> args = new ArrayList<>();
        for (String property : this.settings.properties) {
            args.add("--" + property);
        }
        args.add("--vsync.node-name=member-" + member.index);
        args.add("--vsync.bind-address=" + LOCALHOST);
        args.add("--vsync.port=" + member.port);
        args.add("--vsync.seeds=" + String.join(",", seeds));
        if (this.settings.web) {
            args.add("--server.port=0");
        }
        else {
            args.add("--spring.main.web-application-type=none");
        }
        TransportFactory factory = this.transportFactory;
        VsyncEngineCustomizer transport = builder -> {
            if (!(builder instanceof NioVsyncEngine.Builder nio)) {
                throw new IllegalStateException("VsyncTestCluster needs the engine built by VsyncEngine.builder(), "
                        + "not by " + builder.getClass().getName());
            }
            nio.transport(factory);
        };
        SpringApplicationBuilder application = new SpringApplicationBuilder(this.settings.sources)
            .bannerMode(Banner.Mode.OFF)
            .registerShutdownHook(false)
            .logStartupInfo(false)
            .initializers(context -> context.getBeanFactory().registerSingleton("vsyncTestClusterTransport", transport));
        if (this.settings.customizer != null) {
            this.settings.customizer.customize(member.index, application);
        }
        logger.info("VsyncTestCluster: starting member " + member.index + " at " + member.address);
        ConfigurableApplicationContext context = application.run(args.toArray(String[]::new));
        String address = context.getBean(VsyncEngine.class).localAddress();
        boolean ours = address.equals(member.address) && ((this.network != null)
                ? this.network.addresses().contains(address) : this.loopback.contains(address));
        if (!ours) {
            context.close();
            throw new IllegalStateException("member " + member.index + "'s engine (" + address + ") does not use the"
                    + " cluster's transport and settings: an application that defines its own VsyncEngine bean must"
                    + " build it with VsyncEngineConfigurer.configure(VsyncEngine.builder())");
        }
        member.context = context;
        member.state = MemberState.RUNNING;
    }

    // ---------------------------------------------------------------- faults

    /**
     * Crashes a member: its network goes silent at once (peers see its connections reset, then
     * refused) and its application is closed in the background without leaving its groups. The
     * others remove it as failed after the failure-detection timeout.
     */
    public synchronized void crash(int index) {
        Member member = running(index);
        String address = member.address;
        logger.info("VsyncTestCluster: crashing member " + index + " (" + address + ")");
        if (this.network != null) {
            this.network.crash(address);
        }
        else {
            this.loopback.crash(address);
        }
        member.state = MemberState.CRASHED;
        ConfigurableApplicationContext context = Objects.requireNonNull(member.context);
        member.context = null;
        // A crashed process does not leave its groups: do not wait for the graceful leave.
        context.getBeanProvider(VsyncProperties.class)
            .ifAvailable(p -> p.getLifecycle().setShutdownTimeout(Duration.ofMillis(1)));
        this.closing.add(CompletableFuture.runAsync(() -> closeQuietly(context, index)));
    }

    /** Stops a member gracefully: it leaves its groups (a clean view change for the others) and closes. */
    public synchronized void stop(int index) {
        Member member = running(index);
        logger.info("VsyncTestCluster: stopping member " + index);
        ConfigurableApplicationContext context = Objects.requireNonNull(member.context);
        member.context = null;
        member.state = MemberState.STOPPED;
        closeQuietly(context, index);
    }

    /**
     * Cuts the members into sides that cannot reach each other (frames between sides are lost
     * silently, so the failure detectors notice). Members named on no side are together on one
     * more side. Replaces an earlier partition.
     */
    @SafeVarargs
    public final void partition(Set<Integer>... sides) {
        partition(List.of(sides));
    }

    /** As {@link #partition(Set[])}. */
    public synchronized void partition(List<Set<Integer>> sides) {
        List<Set<String>> byAddress = new ArrayList<>();
        for (Set<Integer> side : sides) {
            Set<String> addresses = new LinkedHashSet<>();
            for (int index : side) {
                addresses.add(member(index).address);
            }
            byAddress.add(addresses);
        }
        logger.info("VsyncTestCluster: partition " + sides);
        if (this.network != null) {
            this.network.partition(byAddress);
        }
        else {
            this.loopback.partition(byAddress);
        }
    }

    /** Ends the partition (and, in memory, every drop rate); crashed members stay crashed. */
    public synchronized void heal() {
        logger.info("VsyncTestCluster: heal");
        if (this.network != null) {
            this.network.heal();
        }
        else {
            this.loopback.heal();
        }
    }

    /**
     * Starts applying a fault schedule to the members (member {@code i} of the schedule is
     * member {@code i} here). Log {@link FaultSchedule#describe()} so that a failure can be
     * replayed.
     */
    public FaultSchedule.Run play(FaultSchedule schedule) {
        return schedule.play(new FaultSchedule.Target() {
            @Override
            public void crash(int member) {
                VsyncTestCluster.this.crash(member);
            }

            @Override
            public void partition(List<Set<Integer>> sides) {
                VsyncTestCluster.this.partition(sides);
            }

            @Override
            public void heal() {
                VsyncTestCluster.this.heal();
            }
        });
    }

    // ---------------------------------------------------------------- waiting

    /**
     * Waits until every running member is a {@code MEMBER} of the same view of {@code group}, of
     * {@code size} members, and its annotated methods have seen that view (a joiner's
     * {@code @StateLoader} has run, the {@code @OnViewChange} methods have been called).
     * @return that view
     * @throws AssertionError with every member's view and status when it does not happen within
     * the cluster's timeout
     */
    public View awaitView(String group, int size) {
        return awaitView(group, size, (Set<Integer>) null);
    }

    /** As {@link #awaitView(String, int)}, at the given members only (for example one side of a partition). */
    public View awaitView(String group, int size, int... members) {
        Set<Integer> indexes = new TreeSet<>();
        for (int index : members) {
            indexes.add(index);
        }
        return awaitView(group, size, indexes);
    }

    /** @param only the members to check, or null for those running at each check */
    private View awaitView(String group, int size, @Nullable Set<Integer> only) {
        View[] agreed = new View[1];
        String who = (only != null) ? "members " + only : "the running members";
        await(who + " in one view of " + size + " of group '" + group + "'", () -> {
            View common = null;
            Set<Integer> indexes = (only != null) ? only : runningMembers();
            for (int index : indexes) {
                Group g = group(index, group);
                View view = g.view();
                if (g.status() != GroupStatus.MEMBER || view == null || view.size() != size
                        || (common != null && common.id() != view.id()) || !handlersSaw(index, group, view)) {
                    return false;
                }
                common = view;
            }
            agreed[0] = common;
            return true;
        }, () -> describeGroup(group, (only != null) ? only : runningMembers()));
        return agreed[0];
    }

    /** Whether the member's annotated methods have seen the view (state loaded, listeners called). */
    private boolean handlersSaw(int index, String group, View view) {
        VsyncHandlerRegistry registry = context(index).getBeanProvider(VsyncHandlerRegistry.class).getIfAvailable();
        if (registry == null || !registry.hasAnnotatedMethods(group)) {
            return true;
        }
        View seen = registry.getLastView(group);
        return seen != null && seen.id() == view.id();
    }

    /** Waits until {@code condition} holds, polling; fails with {@code what} after the cluster's timeout. */
    public void await(String what, BooleanSupplier condition) {
        await(what, condition, () -> "");
    }

    private void await(String what, BooleanSupplier condition, java.util.function.Supplier<String> state) {
        long deadline = System.nanoTime() + this.settings.timeout.toNanos();
        long pause = 1;
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            }
            catch (IllegalStateException ex) {
                // a member crashed or stopped meanwhile: try again
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("VsyncTestCluster: timed out after " + this.settings.timeout
                        + " waiting for " + what + describeNetwork() + state.get());
            }
            try {
                TimeUnit.MILLISECONDS.sleep(pause);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, ex);
            }
            pause = Math.min(50, pause * 2);
        }
    }

    private String describeNetwork() {
        return (this.network != null) ? " (in-memory network, seed " + this.network.seed() + ")" : " (loopback)";
    }

    private String describeGroup(String group, Set<Integer> indexes) {
        StringBuilder text = new StringBuilder();
        for (int index : indexes) {
            text.append("\n  member ").append(index).append(": ");
            try {
                Group g = group(index, group);
                View view = g.view();
                text.append(g.status()).append(", self ").append(g.self()).append(", view ")
                    .append((view != null) ? view.id() + " " + view.members() : "none");
            }
            catch (RuntimeException ex) {
                text.append(ex.getMessage());
            }
        }
        return text.toString();
    }

    // ---------------------------------------------------------------- access

    /** Number of members ever started (running or not). */
    public synchronized int size() {
        return this.members.size();
    }

    /** The numbers of the running members. */
    public synchronized Set<Integer> runningMembers() {
        Set<Integer> running = new TreeSet<>();
        for (Member member : this.members) {
            if (member.state == MemberState.RUNNING) {
                running.add(member.index);
            }
        }
        return running;
    }

    public synchronized MemberState state(int index) {
        return member(index).state;
    }

    /** The application context of a running member. */
    public synchronized ConfigurableApplicationContext context(int index) {
        return Objects.requireNonNull(running(index).context);
    }

    /** A bean of a running member. */
    public <T> T bean(int index, Class<T> type) {
        return context(index).getBean(type);
    }

    /** A running member's engine. */
    public VsyncEngine engine(int index) {
        return bean(index, VsyncEngine.class);
    }

    /** A running member's handle of the group. */
    public Group group(int index, String name) {
        return engine(index).group(name);
    }

    /** The {@code host:port} of the member's engine: the same for every incarnation of the member. */
    public synchronized String address(int index) {
        return member(index).address;
    }

    /** The in-memory network, or null over loopback. */
    public @Nullable InMemoryNetwork network() {
        return this.network;
    }

    private Member member(int index) {
        if (index < 0 || index >= this.members.size()) {
            throw new IllegalArgumentException("no member " + index + " (members 0.." + (this.members.size() - 1) + ")");
        }
        return this.members.get(index);
    }

    private Member running(int index) {
        Member member = member(index);
        if (member.state != MemberState.RUNNING) {
            throw new IllegalStateException("member " + index + " is " + member.state);
        }
        return member;
    }

    private void checkOpen() {
        if (this.closed) {
            throw new IllegalStateException("the cluster is closed");
        }
    }

    // ---------------------------------------------------------------- closing

    /** Closes every running member (they leave their groups), waits for crashed ones to close, and frees the network. */
    @Override
    public void close() {
        List<CompletableFuture<Void>> pending;
        synchronized (this) {
            if (this.closed) {
                return;
            }
            this.closed = true;
            pending = new ArrayList<>(this.closing);
            for (Member member : this.members) {
                ConfigurableApplicationContext context = member.context;
                if (context != null) {
                    member.context = null;
                    member.state = MemberState.STOPPED;
                    pending.add(CompletableFuture.runAsync(() -> closeQuietly(context, member.index)));
                }
            }
        }
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
        }
        catch (Exception ex) {
            logger.warn("VsyncTestCluster: not every member closed within 2 minutes", ex);
        }
        if (this.network != null && this.settings.ownsNetwork) {
            this.network.close();
        }
    }

    private static void closeQuietly(ConfigurableApplicationContext context, int index) {
        try {
            context.close();
        }
        catch (RuntimeException ex) {
            logger.warn("VsyncTestCluster: member " + index + " did not close cleanly", ex);
        }
    }

    // ---------------------------------------------------------------- builder

    /** Settings of a cluster; {@link #start()} starts it. */
    public static final class Builder {

        private final Class<?>[] sources;

        private int members = 3;

        private final List<String> properties = new ArrayList<>();

        private @Nullable InMemoryNetwork network;

        private boolean ownsNetwork;

        private Duration timeout = Duration.ofSeconds(60);

        private boolean web;

        private @Nullable MemberCustomizer customizer;

        private Builder(Class<?>[] sources) {
            if (sources.length == 0) {
                throw new IllegalArgumentException("name the application's configuration classes");
            }
            this.sources = sources.clone();
        }

        /** How many members to start (default 3). */
        public Builder members(int members) {
            if (members < 1) {
                throw new IllegalArgumentException("a cluster has at least one member, got " + members);
            }
            this.members = members;
            return this;
        }

        /**
         * Properties of every member, as {@code key=value}; they take precedence over the
         * application's own property files. The cluster's own ({@code vsync.node-name},
         * {@code vsync.bind-address}, {@code vsync.port}, {@code vsync.seeds}) win over these.
         */
        public Builder properties(String... keyValues) {
            for (String keyValue : keyValues) {
                if (!keyValue.contains("=")) {
                    throw new IllegalArgumentException("not key=value: " + keyValue);
                }
                this.properties.add(keyValue);
            }
            return this;
        }

        /** Members talk over loopback TCP, on free ports (the default). */
        public Builder loopback() {
            this.network = null;
            this.ownsNetwork = false;
            return this;
        }

        /** Members talk over a new in-memory network with this seed (its drops; replay it with the same seed). */
        public Builder inMemory(long seed) {
            this.network = new InMemoryNetwork(seed);
            this.ownsNetwork = true;
            return this;
        }

        /** Members talk over this in-memory network (the cluster does not close it). */
        public Builder inMemory(InMemoryNetwork network) {
            this.network = Objects.requireNonNull(network, "network");
            this.ownsNetwork = false;
            return this;
        }

        /** How long the waits may take (default 60 s: generous, for loaded machines). */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Whether each member starts its web server, on a free port (default false). */
        public Builder web(boolean web) {
            this.web = web;
            return this;
        }

        /** Customizes each member's {@link SpringApplicationBuilder} before it starts (profiles, listeners…). */
        public Builder customize(MemberCustomizer customizer) {
            this.customizer = customizer;
            return this;
        }

        /** Starts the members one after the other, each having joined its groups before the next starts. */
        public VsyncTestCluster start() {
            VsyncTestCluster cluster = new VsyncTestCluster(this);
            cluster.startAll();
            return cluster;
        }

    }

    /** Customizes one member's application before it starts. */
    @FunctionalInterface
    public interface MemberCustomizer {

        void customize(int member, SpringApplicationBuilder application);

    }

}
