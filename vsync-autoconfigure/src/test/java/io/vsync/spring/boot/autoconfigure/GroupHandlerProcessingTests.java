package io.vsync.spring.boot.autoconfigure;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.AliasFor;

import io.vsync.api.DeliveryInfo;
import io.vsync.api.GroupStatus;
import io.vsync.api.Reply;
import io.vsync.api.View;
import io.vsync.spring.annotation.GroupHandler;
import io.vsync.spring.annotation.OnViewChange;
import io.vsync.spring.annotation.StateLoader;
import io.vsync.spring.annotation.StateProvider;

import static org.assertj.core.api.Assertions.assertThat;

class GroupHandlerProcessingTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(VsyncAutoConfiguration.class))
        .withUserConfiguration(FakeEngineConfiguration.class)
        .withPropertyValues("vsync.groups.accounts.join-on-startup=true", "vsync.groups.audit.join-on-startup=true",
                "vsync.handler.retry-backoff=0ms");

    @Test
    void handlersReceiveTheirPayloadTypeWithOptionalDeliveryInfo() {
        this.runner.withUserConfiguration(Accounts.class).run(context -> {
            FakeGroup group = context.getBean(FakeVsyncEngine.class).group("accounts");
            Accounts accounts = context.getBean(Accounts.class);
            assertThat(group.registeredTypes()).containsExactlyInAnyOrder(Payloads.Deposit.class,
                    Payloads.Withdrawal.class);
            assertThat(group.deliver(new Payloads.Deposit("alice", 10))).isTrue();
            assertThat(group.deliver(new Payloads.Withdrawal("alice", 3))).isTrue();
            assertThat(accounts.received).containsExactly("deposit alice 10",
                    "withdrawal alice 3 from 10.0.0.2:7800#3 in view 1 ORDERED");
        });
    }

    @Test
    void viewChangesReachOnViewChangeMethods() {
        this.runner.withUserConfiguration(Accounts.class).run(context -> {
            Accounts accounts = context.getBean(Accounts.class);
            assertThat(accounts.views).hasSize(1);
            assertThat(accounts.views.get(0).id()).isEqualTo(1);
        });
    }

    @Test
    void mostSpecificHandlerWins() {
        this.runner.withUserConfiguration(Events.class).run(context -> {
            FakeGroup group = context.getBean(FakeVsyncEngine.class).group("accounts");
            Events events = context.getBean(Events.class);
            // the fake calls the first registration that accepts the payload (Event), and the
            // dispatcher still routes to the most specific handler
            assertThat(group.registeredTypes().get(0)).isEqualTo(Payloads.Event.class);
            group.deliver(new Payloads.Opened("alice", java.time.Instant.EPOCH));
            group.deliver(new Payloads.Closed("alice"));
            assertThat(events.received).containsExactly("opened alice", "event Closed");
        });
    }

    @Test
    void composedAnnotationsWork() {
        this.runner.withUserConfiguration(ComposedHandler.class).run(context -> {
            FakeGroup group = context.getBean(FakeVsyncEngine.class).group("accounts");
            group.deliver(new Payloads.Deposit("bob", 5));
            assertThat(context.getBean(ComposedHandler.class).received).containsExactly("bob");
        });
    }

    @Test
    void handlersOfProxiedBeansAreFoundOnTheTargetAndInvokedThroughTheProxy() {
        this.runner.withUserConfiguration(ProxyingConfiguration.class).run(context -> {
            FakeGroup group = context.getBean(FakeVsyncEngine.class).group("accounts");
            Accounts accounts = context.getBean(Accounts.class);
            assertThat(org.springframework.aop.support.AopUtils.isCglibProxy(accounts)).isTrue();
            group.deliver(new Payloads.Deposit("alice", 1));
            assertThat(ProxyingConfiguration.intercepted.get()).isGreaterThanOrEqualTo(1);
            assertThat(accounts.received()).containsExactly("deposit alice 1");
        });
    }

    @Test
    void handlersOfJdkProxiedBeansAreFound() {
        this.runner.withUserConfiguration(JdkProxyingConfiguration.class).run(context -> {
            FakeGroup group = context.getBean(FakeVsyncEngine.class).group("accounts");
            group.deliver(new Payloads.Deposit("carol", 2));
            assertThat(JdkProxyingConfiguration.intercepted.get()).isEqualTo(1);
            assertThat(JdkProxyingConfiguration.received).containsExactly("carol");
        });
    }

    @Test
    void unknownGroupFailsStartup() {
        this.runner.withUserConfiguration(UnknownGroup.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(Failures.root(context.getStartupFailure()))
                .isInstanceOf(InvalidGroupHandlerException.class)
                .hasMessageContaining("refers to group 'payments', which is not configured: add it under vsync.groups")
                .hasMessageContaining("UnknownGroup.on(Deposit)");
        });
    }

    @Test
    void twoHandlersForOneTypeInOneGroupFailStartup() {
        this.runner.withUserConfiguration(Accounts.class, DuplicateDeposit.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(Failures.root(context.getStartupFailure()))
                .hasMessageContaining("group 'accounts' has 2 @GroupHandler methods for payload type "
                        + Payloads.Deposit.class.getName())
                .hasMessageContaining("Accounts.deposit(Deposit)")
                .hasMessageContaining("DuplicateDeposit.again(Deposit)");
        });
    }

    @Test
    void sameTypeInTwoGroupsIsFine() {
        this.runner.withUserConfiguration(Accounts.class, AuditDeposit.class)
            .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void badSignaturesFailStartup() {
        this.runner.withUserConfiguration(BadSignatures.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(Failures.root(context.getStartupFailure()))
                .isInstanceOf(InvalidGroupHandlerException.class)
                .hasMessageContaining("primitive(int)")
                .hasMessageContaining("payload type int cannot be decoded")
                .hasMessageContaining("generic(List)")
                .hasMessageContaining("java.util.List<java.lang.String> cannot be decoded")
                .hasMessageContaining("anything(Object)")
                .hasMessageContaining("Object would let a payload name any class")
                .hasMessageContaining("tooMany(Deposit, DeliveryInfo, String) of bean")
                .hasMessageContaining("wrongSecond(Deposit, String)")
                .hasMessageContaining("may only take a DeliveryInfo as its second parameter")
                .hasMessageContaining("inner(Inner)")
                .hasMessageContaining("@OnViewChange method BadSignatures.view(String)")
                .hasMessageContaining("both(Deposit) of bean '")
                .hasMessageContaining("has [@GroupHandler, @OnViewChange]: use one per method")
                .hasMessageContaining("names no group");
        });
    }

    @Test
    void misuseHasAFailureAnalysis() {
        this.runner.withUserConfiguration(UnknownGroup.class).run(context -> {
            FailureAnalysis analysis = new InvalidGroupHandlerFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("group 'payments'");
            assertThat(analysis.getAction()).contains("vsync.groups");
        });
    }

    @Test
    void stateMethodsAreDiscoveredAndValidated() {
        this.runner.withUserConfiguration(Accounts.class, State.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(VsyncHandlerRegistry.class).hasStateTransfer("accounts")).isTrue();
            assertThat(context.getBean(VsyncHandlerRegistry.class).hasStateTransfer("audit")).isFalse();
        });
    }

    @Test
    void objectStateMethodsBecomeTheGroupsStateTransfer() {
        this.runner.withUserConfiguration(State.class).run(context -> {
            FakeVsyncEngine engine = context.getBean(FakeVsyncEngine.class);
            FakeGroup group = engine.group("accounts");
            // set before the group is joined
            assertThat(engine.events).containsSubsequence("stateTransfer:accounts", "join:accounts");
            assertThat(group.stateTransfer).isInstanceOf(FakeGroup.ObjectStateTransfer.class);
            assertThat(((FakeGroup.ObjectStateTransfer<?>) group.stateTransfer).type).isEqualTo(Payloads.Balances.class);
            State state = context.getBean(State.class);
            state.balances.put("alice", 10L);
            byte[] written = group.writeState();
            state.balances.clear();
            group.readState(written);
            assertThat(state.restored).containsExactly(java.util.Map.of("alice", 10L));
        });
    }

    @Test
    void streamingStateMethodsBecomeTheGroupsStateTransfer() {
        this.runner.withUserConfiguration(StreamingState.class).run(context -> {
            FakeGroup group = context.getBean(FakeVsyncEngine.class).group("accounts");
            StreamingState state = context.getBean(StreamingState.class);
            state.text = "alice=10";
            byte[] written = group.writeState();
            assertThat(new String(written, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("alice=10");
            state.text = "";
            group.readState("bob=3".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(state.text).isEqualTo("bob=3");
        });
    }

    @Test
    void failingStateMethodsAreCountedAndPassedToTheEngine() {
        this.runner.withUserConfiguration(FailingState.class).run(context -> {
            FakeGroup accounts = context.getBean(FakeVsyncEngine.class).group("accounts");
            FakeGroup audit = context.getBean(FakeVsyncEngine.class).group("audit");
            VsyncHandlerRegistry registry = context.getBean(VsyncHandlerRegistry.class);
            assertThat(org.assertj.core.api.Assertions.catchThrowable(accounts::writeState))
                .hasMessageContaining("returned null; return the (possibly empty) state");
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> audit.readState(new byte[0])))
                .isInstanceOf(java.io.IOException.class)
                .hasMessage("disk full");
            assertThat(registry.getHandlerErrors("accounts")).isEqualTo(1);
            assertThat(registry.getHandlerErrorsCountedByEngine("accounts")).isZero();
            // a failed load is counted by the engine too
            assertThat(registry.getHandlerErrors("audit")).isEqualTo(1);
            assertThat(registry.getHandlerErrorsCountedByEngine("audit")).isEqualTo(1);
        });
    }

    @Test
    void stateProviderWithoutLoaderAndMismatchedTypesFail() {
        this.runner.withUserConfiguration(BadState.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(Failures.root(context.getStartupFailure()))
                .hasMessageContaining("group 'accounts' has a @StateProvider [BadState.snapshot() of bean '")
                .hasMessageContaining("but no @StateLoader")
                .hasMessageContaining("group 'audit': @StateLoader BadState.restore(Deposit) of bean '")
                .hasMessageContaining("takes " + Payloads.Deposit.class.getName() + ", which cannot accept the "
                        + Payloads.Balances.class.getName());
        });
    }

    @Test
    void streamingAndObjectStateMethodsDoNotMix() {
        this.runner.withUserConfiguration(MixedState.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(Failures.root(context.getStartupFailure()))
                .hasMessageContaining("group 'accounts': @StateProvider MixedState.write(OutputStream) of bean '")
                .hasMessageContaining("streams the state but @StateLoader MixedState.restore(Balances)");
        });
        this.runner.withUserConfiguration(BadStreamingState.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(Failures.root(context.getStartupFailure()))
                .hasMessageContaining("BadStreamingState.writeSomething(OutputStream) of bean '")
                .hasMessageContaining("writes the state to its OutputStream, so it must return void")
                .hasMessageContaining("BadStreamingState.badLoader(InputStream, String)")
                .hasMessageContaining("must take exactly one parameter: the state, or a java.io.InputStream");
        });
    }

    @Test
    void queriesReachTheHandlerOfTheirTypeWhichReturnsTheReply() {
        this.runner.withUserConfiguration(Accounts.class, Events.class).run(context -> {
            FakeGroup group = context.getBean(FakeVsyncEngine.class).group("accounts");
            assertThat(group.queryTypes()).containsExactlyInAnyOrderElementsOf(group.registeredTypes());
            Reply<Object> reply = group.ask(new Payloads.Withdrawal("alice", 3));
            assertThat(reply.status()).isEqualTo(Reply.Status.OK);
            assertThat(reply.value()).isEqualTo("ok");
            // the same method handles plain messages of its type
            assertThat(context.getBean(Accounts.class).received).hasSize(1);
            group.deliver(new Payloads.Withdrawal("bob", 1));
            assertThat(context.getBean(Accounts.class).received).hasSize(2);
            // a void handler gives a NullReply
            assertThat(group.ask(new Payloads.Deposit("alice", 1)).status()).isEqualTo(Reply.Status.NULL);
            // the most specific handler answers, although the fake asks the first registration that accepts it
            assertThat(group.ask(new Payloads.Opened("alice", java.time.Instant.EPOCH)).value()).isEqualTo("opened");
            assertThat(group.ask(new Payloads.Closed("alice")).status()).isEqualTo(Reply.Status.NULL);
            VsyncHandlerRegistry registry = context.getBean(VsyncHandlerRegistry.class);
            assertThat(registry.getReplyTypes("accounts")).containsExactlyInAnyOrder(Payloads.Withdrawal.class,
                    Payloads.Opened.class);
        });
    }

    @Test
    void aFailingQueryHandlerIsRetriedThenGivesAnAbortReply() {
        this.runner.withUserConfiguration(FlakyQuery.class).withPropertyValues("vsync.handler.max-attempts=2")
            .run(context -> {
                FakeGroup group = context.getBean(FakeVsyncEngine.class).group("accounts");
                FlakyQuery flaky = context.getBean(FlakyQuery.class);
                flaky.failuresLeft.set(1);
                assertThat(group.ask(new Payloads.Deposit("alice", 5)).value()).isEqualTo(5L);
                flaky.failuresLeft.set(2);
                Reply<Object> aborted = group.ask(new Payloads.Deposit("alice", 6));
                assertThat(aborted.status()).isEqualTo(Reply.Status.ABORT);
                assertThat(aborted.error()).isEqualTo("IllegalArgumentException: insufficient funds");
                VsyncHandlerRegistry registry = context.getBean(VsyncHandlerRegistry.class);
                assertThat(registry.getHandlerErrors("accounts")).isEqualTo(1);
                assertThat(registry.getHandlerErrorsCountedByEngine("accounts")).isEqualTo(1);
                assertThat(group.status()).isEqualTo(GroupStatus.MEMBER);
            });
    }

    @Test
    void aFailingQueryHandlerUnderFailStopLeavesTheGroup() {
        this.runner.withUserConfiguration(FlakyQuery.class).withPropertyValues("vsync.handler.error-policy=fail-stop")
            .run(context -> {
                FakeGroup group = context.getBean(FakeVsyncEngine.class).group("accounts");
                context.getBean(FlakyQuery.class).failuresLeft.set(1);
                assertThat(group.ask(new Payloads.Deposit("alice", 6)).status()).isEqualTo(Reply.Status.ABORT);
                assertThat(group.status()).isEqualTo(GroupStatus.LEFT);
                // later queries are not answered by the stopped handlers
                assertThat(group.ask(new Payloads.Deposit("alice", 7)).status()).isEqualTo(Reply.Status.NULL);
                assertThat(context.getBean(VsyncHandlerRegistry.class).getFailStopReason("accounts"))
                    .contains("insufficient funds");
            });
    }

    @Test
    void logAndContinueCountsTheFailureAndDeliversLaterMessages() {
        this.runner.withUserConfiguration(Flaky.class).run(context -> {
            FakeGroup group = context.getBean(FakeVsyncEngine.class).group("accounts");
            Flaky flaky = context.getBean(Flaky.class);
            flaky.failuresLeft.set(1);
            group.deliver(new Payloads.Deposit("alice", 1));
            group.deliver(new Payloads.Deposit("alice", 2));
            VsyncHandlerRegistry registry = context.getBean(VsyncHandlerRegistry.class);
            assertThat(registry.getHandlerErrors("accounts")).isEqualTo(1);
            assertThat(registry.getFailStopReason("accounts")).isNull();
            assertThat(flaky.handled).containsExactly(2L);
            assertThat(group.status()).isEqualTo(GroupStatus.MEMBER);
        });
    }

    @Test
    void retriesInPlaceBeforeThePolicyApplies() {
        this.runner.withUserConfiguration(Flaky.class).withPropertyValues("vsync.handler.max-attempts=3").run(context -> {
            FakeGroup group = context.getBean(FakeVsyncEngine.class).group("accounts");
            Flaky flaky = context.getBean(Flaky.class);
            flaky.failuresLeft.set(2);
            group.deliver(new Payloads.Deposit("alice", 1));
            assertThat(flaky.attempts.get()).isEqualTo(3);
            assertThat(flaky.handled).containsExactly(1L);
            assertThat(context.getBean(VsyncHandlerRegistry.class).getHandlerErrors("accounts")).isZero();
        });
    }

    @Test
    void retriesPauseForTheBackoff() {
        this.runner.withUserConfiguration(Flaky.class)
            .withPropertyValues("vsync.handler.max-attempts=2", "vsync.handler.retry-backoff=150ms")
            .run(context -> {
                FakeGroup group = context.getBean(FakeVsyncEngine.class).group("accounts");
                context.getBean(Flaky.class).failuresLeft.set(1);
                long started = System.nanoTime();
                group.deliver(new Payloads.Deposit("alice", 1));
                assertThat(java.time.Duration.ofNanos(System.nanoTime() - started))
                    .isGreaterThanOrEqualTo(java.time.Duration.ofMillis(150));
                assertThat(context.getBean(Flaky.class).handled).containsExactly(1L);
            });
    }

    @Test
    void maxAttemptsCanBeSetPerGroup() {
        this.runner.withUserConfiguration(Flaky.class)
            .withPropertyValues("vsync.handler.max-attempts=1", "vsync.groups.accounts.max-attempts=4")
            .run(context -> {
                FakeGroup group = context.getBean(FakeVsyncEngine.class).group("accounts");
                Flaky flaky = context.getBean(Flaky.class);
                flaky.failuresLeft.set(3);
                group.deliver(new Payloads.Deposit("alice", 1));
                assertThat(flaky.attempts.get()).isEqualTo(4);
                assertThat(flaky.handled).containsExactly(1L);
            });
    }

    @Test
    void failStopLeavesTheGroupAndStopsDelivering() {
        this.runner.withUserConfiguration(Flaky.class).withPropertyValues("vsync.handler.error-policy=fail-stop")
            .run(context -> {
                FakeGroup group = context.getBean(FakeVsyncEngine.class).group("accounts");
                Flaky flaky = context.getBean(Flaky.class);
                flaky.failuresLeft.set(1);
                group.deliver(new Payloads.Deposit("alice", 1));
                group.deliver(new Payloads.Deposit("alice", 2));
                VsyncHandlerRegistry registry = context.getBean(VsyncHandlerRegistry.class);
                assertThat(group.status()).isEqualTo(GroupStatus.LEFT);
                assertThat(registry.getFailStopReason("accounts")).contains("Flaky.on(Deposit)").contains("boom");
                assertThat(registry.getHandlerErrors("accounts")).isEqualTo(1);
                assertThat(flaky.handled).isEmpty();
                assertThat(registry.dispatcher("accounts").skipped()).isEqualTo(1);
            });
    }

    @Test
    void errorPolicyCanBeSetPerGroup() {
        this.runner.withUserConfiguration(Flaky.class)
            .withPropertyValues("vsync.handler.error-policy=fail-stop", "vsync.groups.accounts.error-policy=log-and-continue")
            .run(context -> {
                FakeGroup group = context.getBean(FakeVsyncEngine.class).group("accounts");
                context.getBean(Flaky.class).failuresLeft.set(1);
                group.deliver(new Payloads.Deposit("alice", 1));
                assertThat(group.status()).isEqualTo(GroupStatus.MEMBER);
            });
    }

    @Test
    void failingViewListenerIsCountedAndDoesNotStopDeliveries() {
        this.runner.withUserConfiguration(FailingViewListener.class).run(context -> {
            FakeGroup group = context.getBean(FakeVsyncEngine.class).group("accounts");
            assertThat(context.getBean(VsyncHandlerRegistry.class).getHandlerErrors("accounts")).isEqualTo(1);
            group.deliver(new Payloads.Deposit("alice", 1));
            assertThat(context.getBean(FailingViewListener.class).handled.get()).isEqualTo(1);
        });
    }

    @Test
    void lazyHandlerBeanCreatedAfterBindingIsRejected() {
        this.runner.withUserConfiguration(LazyHandlerConfiguration.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(Failures.root(org.assertj.core.api.Assertions.catchThrowable(() -> context.getBean(LazyHandler.class))))
                .hasMessageContaining("was created after the groups were bound");
        });
    }

    // ------------------------------------------------------------ handler beans

    static class Accounts {

        final List<String> received = new CopyOnWriteArrayList<>();

        final List<View> views = new CopyOnWriteArrayList<>();

        @GroupHandler(group = "accounts")
        public void deposit(Payloads.Deposit deposit) {
            this.received.add("deposit " + deposit.account() + " " + deposit.amount());
        }

        @GroupHandler("accounts")
        public String withdrawal(Payloads.Withdrawal withdrawal, DeliveryInfo info) {
            this.received.add("withdrawal " + withdrawal.account() + " " + withdrawal.amount() + " from "
                    + info.sender() + " in view " + info.viewId() + " " + info.kind());
            return "ok";
        }

        @OnViewChange(group = "accounts")
        public void view(View view) {
            this.views.add(view);
        }

        public List<String> received() {
            return this.received;
        }

    }

    static class Events {

        final List<String> received = new CopyOnWriteArrayList<>();

        @GroupHandler(group = "accounts")
        void event(Payloads.Event event) {
            this.received.add("event " + event.getClass().getSimpleName());
        }

        @GroupHandler(group = "accounts")
        String opened(Payloads.Opened opened) {
            this.received.add("opened " + opened.account());
            return "opened";
        }

    }

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @GroupHandler
    @interface AccountsHandler {

        @AliasFor(annotation = GroupHandler.class, attribute = "group")
        String group() default "accounts";

    }

    static class ComposedHandler {

        final List<String> received = new CopyOnWriteArrayList<>();

        @AccountsHandler
        void on(Payloads.Deposit deposit) {
            this.received.add(deposit.account());
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class ProxyingConfiguration {

        static final AtomicInteger intercepted = new AtomicInteger();

        @Bean
        Accounts accountsService() {
            return new Accounts();
        }

        @Bean
        static OrderedProxier proxier() {
            intercepted.set(0);
            return new OrderedProxier();
        }

        /** Ordered first, as Spring's auto-proxy creator is. */
        static class OrderedProxier implements BeanPostProcessor, org.springframework.core.Ordered {

                @Override
                public int getOrder() {
                    return HIGHEST_PRECEDENCE;
                }

                @Override
                public Object postProcessAfterInitialization(Object bean, String beanName) {
                    if (!(bean instanceof Accounts)) {
                        return bean;
                    }
                    ProxyFactory factory = new ProxyFactory(bean);
                    factory.setProxyTargetClass(true);
                    factory.addAdvice((MethodInterceptor) invocation -> {
                        intercepted.incrementAndGet();
                        return invocation.proceed();
                    });
                    return factory.getProxy();
                }

        }

    }

    public interface DepositListener {

        void on(Payloads.Deposit deposit);

    }

    static class DepositListenerImpl implements DepositListener {

        @Override
        @GroupHandler(group = "accounts")
        public void on(Payloads.Deposit deposit) {
            JdkProxyingConfiguration.received.add(deposit.account());
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class JdkProxyingConfiguration {

        static final AtomicInteger intercepted = new AtomicInteger();

        static final List<String> received = new CopyOnWriteArrayList<>();

        @Bean
        DepositListener depositListener() {
            intercepted.set(0);
            received.clear();
            ProxyFactory factory = new ProxyFactory(new DepositListenerImpl());
            factory.addInterface(DepositListener.class);
            factory.addAdvice((MethodInterceptor) invocation -> {
                intercepted.incrementAndGet();
                return invocation.proceed();
            });
            return (DepositListener) factory.getProxy();
        }

    }

    static class UnknownGroup {

        @GroupHandler(group = "payments")
        void on(Payloads.Deposit deposit) {
        }

    }

    static class DuplicateDeposit {

        @GroupHandler(group = "accounts")
        void again(Payloads.Deposit deposit) {
        }

    }

    static class AuditDeposit {

        @GroupHandler(group = "audit")
        void audit(Payloads.Deposit deposit) {
        }

    }

    static class BadSignatures {

        class Inner {
        }

        @GroupHandler(group = "accounts")
        void primitive(int value) {
        }

        @GroupHandler(group = "accounts")
        void generic(List<String> values) {
        }

        @GroupHandler(group = "accounts")
        void anything(Object value) {
        }

        @GroupHandler(group = "accounts")
        void tooMany(Payloads.Deposit deposit, DeliveryInfo info, String extra) {
        }

        @GroupHandler(group = "accounts")
        void wrongSecond(Payloads.Deposit deposit, String extra) {
        }

        @GroupHandler(group = "accounts")
        void inner(Inner inner) {
        }

        @GroupHandler
        void noGroup(Payloads.Withdrawal withdrawal) {
        }

        @OnViewChange(group = "accounts")
        void view(String notAView) {
        }

        @GroupHandler(group = "accounts")
        @OnViewChange(group = "accounts")
        void both(Payloads.Deposit deposit) {
        }

    }

    static class State {

        final java.util.Map<String, Long> balances = new java.util.concurrent.ConcurrentHashMap<>();

        final List<java.util.Map<String, Long>> restored = new CopyOnWriteArrayList<>();

        @StateProvider(group = "accounts")
        Payloads.Balances snapshot() {
            return new Payloads.Balances(java.util.Map.copyOf(this.balances));
        }

        @StateLoader(group = "accounts")
        void restore(Payloads.Balances balances) {
            this.restored.add(balances.balances());
        }

    }

    static class StreamingState {

        volatile String text = "";

        @StateProvider(group = "accounts")
        void write(java.io.OutputStream out) throws java.io.IOException {
            out.write(this.text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        @StateLoader(group = "accounts")
        void read(java.io.InputStream in) throws java.io.IOException {
            this.text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }

    }

    static class FailingState {

        @StateProvider(group = "accounts")
        Payloads.Balances snapshot() {
            return null;
        }

        @StateLoader(group = "accounts")
        void restore(Payloads.Balances balances) {
        }

        @StateProvider(group = "audit")
        void write(java.io.OutputStream out) {
        }

        @StateLoader(group = "audit")
        void read(java.io.InputStream in) throws java.io.IOException {
            throw new java.io.IOException("disk full");
        }

    }

    static class MixedState {

        @StateProvider(group = "accounts")
        void write(java.io.OutputStream out) {
        }

        @StateLoader(group = "accounts")
        void restore(Payloads.Balances balances) {
        }

    }

    static class BadStreamingState {

        @StateProvider(group = "audit")
        int writeSomething(java.io.OutputStream out) {
            return 0;
        }

        @StateLoader(group = "audit")
        void badLoader(java.io.InputStream in, String extra) {
        }

    }

    static class FlakyQuery {

        final AtomicInteger failuresLeft = new AtomicInteger();

        @GroupHandler(group = "accounts")
        long withdraw(Payloads.Deposit deposit) {
            if (this.failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IllegalArgumentException("insufficient funds");
            }
            return deposit.amount();
        }

    }

    static class BadState {

        @StateProvider(group = "accounts")
        Payloads.Balances snapshot() {
            return new Payloads.Balances(java.util.Map.of());
        }

        @StateProvider(group = "audit")
        Payloads.Balances auditSnapshot() {
            return new Payloads.Balances(java.util.Map.of());
        }

        @StateLoader(group = "audit")
        void restore(Payloads.Deposit deposit) {
        }

    }

    static class Flaky {

        final AtomicInteger failuresLeft = new AtomicInteger();

        final AtomicInteger attempts = new AtomicInteger();

        final List<Long> handled = new CopyOnWriteArrayList<>();

        @GroupHandler(group = "accounts")
        void on(Payloads.Deposit deposit) {
            this.attempts.incrementAndGet();
            if (this.failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IllegalStateException("boom");
            }
            this.handled.add(deposit.amount());
        }

    }

    static class FailingViewListener {

        final AtomicInteger handled = new AtomicInteger();

        @OnViewChange(group = "accounts")
        void view(View view) {
            throw new IllegalStateException("view listener failed");
        }

        @GroupHandler(group = "accounts")
        void on(Payloads.Deposit deposit) {
            this.handled.incrementAndGet();
        }

    }

    static class LazyHandler {

        @GroupHandler(group = "accounts")
        void on(Payloads.Deposit deposit) {
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class LazyHandlerConfiguration {

        @Bean
        @org.springframework.context.annotation.Lazy
        LazyHandler lazyHandler() {
            return new LazyHandler();
        }

    }

}
