package io.vsync.sample.docs;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.RetentionPolicy.RUNTIME;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Service;

import io.vsync.api.DeliveryInfo;
import io.vsync.api.Group;
import io.vsync.api.GroupStatus;
import io.vsync.api.HistoryListener;
import io.vsync.api.QueryResult;
import io.vsync.api.Quorum;
import io.vsync.api.View;
import io.vsync.api.VsyncEngine;
import io.vsync.spring.annotation.GroupHandler;
import io.vsync.spring.annotation.OnViewChange;
import io.vsync.spring.annotation.StateLoader;
import io.vsync.spring.annotation.StateProvider;
import io.vsync.spring.boot.autoconfigure.VsyncEngineConfigurer;
import io.vsync.spring.boot.autoconfigure.VsyncEngineCustomizer;
import io.vsync.spring.test.VsyncTestCluster;
import io.vsync.testing.FaultSchedule;

/**
 * The code of docs/spring-boot.md (see GettingStarted for how it is checked). Compiled only: the
 * classes are nested (not scanned by any application) and nothing here runs.
 */
final class SpringBootSnippets {

    private static final Logger log = LoggerFactory.getLogger(SpringBootSnippets.class);

    private SpringBootSnippets() {
    }

    record Withdrawal(String account, long amount) { }

    record Balances(Map<String, Long> balances) { }

    interface Ledger {

        void exportTo(OutputStream out) throws IOException;

        void importFrom(InputStream in) throws IOException;
    }

    // tag::service[]
    @Service
    class AccountService {

        private final Map<String, Long> balances = new ConcurrentHashMap<>();
        private final Group accounts;

        AccountService(@Qualifier("accounts") Group accounts) {
            this.accounts = accounts;
        }

        void deposit(String account, long amount) {
            accounts.orderedSend(new Deposit(account, amount));   // delivered everywhere, in one order
        }

        @GroupHandler(group = "accounts")
        void on(Deposit deposit) {
            balances.merge(deposit.account(), deposit.amount(), Long::sum);
        }

        @OnViewChange(group = "accounts")
        void viewChanged(View view) {
            log.info("accounts view {}: {}", view.id(), view.members());
        }
    }

    record Deposit(String account, long amount) { }
    // end::service[]

    static final class EngineBeans {

        // tag::customizer[]
        @Bean
        VsyncEngineCustomizer recordHistory(HistoryListener recorder) {
            return builder -> builder.historyListener(recorder);
        }
        // end::customizer[]

        // tag::own-engine[]
        @Bean
        VsyncEngine vsyncEngine(VsyncEngineConfigurer configurer) {
            return configurer.configure(VsyncEngine.builder()).build();
        }
        // end::own-engine[]
    }

    static final class Handlers {

        private final Map<String, Long> balances = new ConcurrentHashMap<>();

        // tag::group-handler[]
        @GroupHandler(group = "accounts")
        void on(Deposit deposit) { balances.merge(deposit.account(), deposit.amount(), Long::sum); }

        @GroupHandler("accounts")
        void on(Withdrawal withdrawal, DeliveryInfo info) {     // sender, view id, delivery kind
            log.info("{} from {} in view {} ({})", withdrawal, info.sender(), info.viewId(), info.kind());
        }
        // end::group-handler[]

        // tag::view-change[]
        @OnViewChange(group = "accounts")
        void viewChanged(View view) {
            // view.id(), view.members() in rank order (view.leader() is rank 0),
            // view.joined(), view.left() (gracefully), view.failed()
        }
        // end::view-change[]
    }

    static final class Queries {

        private final Map<String, Long> balances = new ConcurrentHashMap<>();
        private Group accounts;

        // tag::query[]
        record Balance(String account) { }

        @GroupHandler("accounts")
        long balance(Balance query) {                   // the reply
            return balances.getOrDefault(query.account(), 0L);
        }

        // anywhere: ask every member, wait for all replies
        void askEveryMember() {
            QueryResult<Long> result = accounts.query(Quorum.ALL, new Balance("alice"), Long.class, Duration.ofSeconds(5))
                    .orThrow();                         // QueryTimeoutException when a reply is missing
            result.values();                            // one value per member
            result.replies().forEach(r -> log.info("{} says {}", r.from(), r.value()));
        }
        // end::query[]
    }

    static final class Composed {

        private final Map<String, Long> balances = new ConcurrentHashMap<>();

        // tag::composed[]
        @Target(METHOD) @Retention(RUNTIME)
        @GroupHandler(group = "accounts")
        @interface AccountsHandler { }           // a composed annotation

        @AccountsHandler
        void on(Deposit deposit) { balances.merge(deposit.account(), deposit.amount(), Long::sum); }
        // end::composed[]
    }

    static final class State {

        private final Map<String, Long> balances = new ConcurrentHashMap<>();
        private Ledger ledger;

        // tag::state-object[]
        // the state as an object, encoded like a payload (Jackson, vsync.payload-format)
        @StateProvider(group = "accounts")
        Balances snapshot() { return new Balances(Map.copyOf(balances)); }

        @StateLoader(group = "accounts")
        void restore(Balances state) { balances.clear(); balances.putAll(state.balances()); }
        // end::state-object[]

        // tag::state-streamed[]
        // the state streamed: it need not fit in memory twice
        @StateProvider(group = "ledger")
        void write(OutputStream out) throws IOException { ledger.exportTo(out); }

        @StateLoader(group = "ledger")
        void read(InputStream in) throws IOException { ledger.importFrom(in); }
        // end::state-streamed[]
    }

    /** Not a test class (no Test in its name, and nested): the scenarios only compile. */
    static final class Clusters {

        static final class BankApplication {
        }

        static final class AccountService {

            void deposit(String account, long amount) {
            }

            long balance(String account) {
                return 0;
            }
        }

        // tag::test-cluster[]
        @Test
        void balancesSurviveACrashAndAPartition() throws Exception {
            try (VsyncTestCluster cluster = VsyncTestCluster.builder(BankApplication.class)
                    .members(3)
                    .inMemory(42)                                   // or .loopback() (the default)
                    .properties("vsync.groups.accounts=", "vsync.failure-detection.timeout=2s")
                    .start()) {
                cluster.awaitView("accounts", 3);                   // same view at every running member
                cluster.bean(0, AccountService.class).deposit("alice", 10);
                cluster.await("the deposit at every member", () -> cluster.runningMembers().stream()
                        .allMatch(i -> cluster.bean(i, AccountService.class).balance("alice") == 10));

                cluster.crash(2);                                   // a hard crash: no graceful leave
                View two = cluster.awaitView("accounts", 2);
                assertThat(two.failed()).hasSize(1);

                cluster.partition(Set.of(0), Set.of(1));            // nobody has a majority now
                cluster.await("member 0 partitioned",
                        () -> cluster.group(0, "accounts").status() == GroupStatus.PARTITIONED);
                cluster.heal();
                cluster.restart(2);                                 // a new incarnation, same address
                cluster.awaitView("accounts", 3);                   // it loaded the state from the others
                assertThat(cluster.bean(2, AccountService.class).balance("alice")).isEqualTo(10);
            }
        }
        // end::test-cluster[]

        void replayFaults() throws Exception {
            // tag::fault-schedule[]
            long seed = Long.getLong("vsync.test.seed", System.nanoTime());
            FaultSchedule schedule = FaultSchedule.random(seed, 3)
                    .duration(Duration.ofSeconds(15))
                    .meanInterval(Duration.ofSeconds(3))                // maxCrashes defaults to a minority
                    .generate();
            System.out.println("replay with -Dvsync.test.seed=" + seed + ": " + schedule.describe());
            try (VsyncTestCluster cluster = VsyncTestCluster.builder(BankApplication.class)
                    .members(3).inMemory(seed).properties("vsync.groups.accounts=").start()) {
                FaultSchedule.Run run = cluster.play(schedule);         // member i of the schedule = member i
                // … drive the application while the faults strike …
                assertThat(run.await(Duration.ofMinutes(1))).isTrue(); // ends healed
                cluster.awaitView("accounts", cluster.runningMembers().size());
                // … check that every running member has the same state …
            }
            // end::fault-schedule[]
        }
    }
}
