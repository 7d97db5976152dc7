package io.vsync.spring.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import io.vsync.api.GroupStatus;
import io.vsync.api.MemberId;
import io.vsync.api.QueryResult;
import io.vsync.api.Quorum;
import io.vsync.api.Reply;
import io.vsync.api.View;
import io.vsync.spring.boot.autoconfigure.FakeEngineConfiguration;
import io.vsync.spring.boot.autoconfigure.actuate.VsyncEndpoint;
import io.vsync.spring.boot.autoconfigure.actuate.VsyncEndpoint.GroupDescriptor;
import io.vsync.spring.boot.autoconfigure.actuate.VsyncHealthIndicator;
import io.vsync.spring.test.BankApplication.Balance;
import io.vsync.spring.test.BankApplication.Bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Spring Boot applications in one JVM forming a real cluster over loopback TCP: the annotated
 * handlers, queries, state transfer, view listeners, endpoint, health and meters against the
 * real engine.
 */
class LoopbackClusterTests {

    static final String[] PROPERTIES = { "vsync.groups.accounts=", "vsync.groups.audit=",
            "vsync.failure-detection.timeout=2s", "management.endpoints.web.exposure.include=health,vsync" };

    @Test
    void orderedDeliveriesQueriesAndStateTransferToAJoiner() throws Exception {
        try (VsyncTestCluster cluster = VsyncTestCluster.builder(BankApplication.class)
            .members(2)
            .loopback()
            .properties(PROPERTIES)
            .start()) {
            cluster.awaitView("accounts", 2);
            // both members deposit at once: every member delivers them in one order
            sendConcurrently(cluster, 0, 1, 30);
            cluster.await("60 deposits at each member",
                    () -> cluster.bean(0, Bank.class).ledger().size() == 60
                            && cluster.bean(1, Bank.class).ledger().size() == 60);
            assertThat(cluster.bean(1, Bank.class).ledger()).isEqualTo(cluster.bean(0, Bank.class).ledger());
            assertThat(cluster.bean(0, Bank.class).kinds).containsOnly("ORDERED");
            cluster.bean(0, Bank.class).audit("first");
            cluster.bean(1, Bank.class).audit("second");
            cluster.await("2 audit lines", () -> cluster.bean(1, Bank.class).auditLog().size() == 2);

            // a query answered by @GroupHandler return values, one reply per member
            QueryResult<Long> result = cluster.group(0, "accounts")
                .query(Quorum.ALL, new Balance("alice"), Long.class, Duration.ofSeconds(30))
                .orThrow();
            assertThat(result.values()).containsExactly(30L * 2, 30L * 2);
            assertThat(result.replies()).extracting(Reply::from)
                .containsExactlyInAnyOrder(cluster.group(0, "accounts").self(), cluster.group(1, "accounts").self());

            // a joiner receives the state through @StateProvider/@StateLoader, then the new messages
            int joiner = cluster.addMember();
            View three = cluster.awaitView("accounts", 3);
            cluster.awaitView("audit", 3);
            Bank joined = cluster.bean(joiner, Bank.class);
            assertThat(joined.stateLoads).isEqualTo(1);
            assertThat(joined.balances()).isEqualTo(cluster.bean(0, Bank.class).balances())
                .containsEntry("alice", 60L);
            assertThat(joined.ledger()).isEqualTo(cluster.bean(0, Bank.class).ledger());
            assertThat(joined.auditLog()).isEqualTo(cluster.bean(0, Bank.class).auditLog()).hasSize(2);
            cluster.bean(joiner, Bank.class).deposit("bob", 5, "after-join");
            cluster.await("the joiner's deposit everywhere",
                    () -> cluster.runningMembers().stream().allMatch(i -> cluster.bean(i, Bank.class).ledger().size() == 61));
            assertThat(cluster.bean(joiner, Bank.class).ledger()).isEqualTo(cluster.bean(0, Bank.class).ledger());
            assertThat(cluster.group(joiner, "accounts")
                .query(Quorum.ALL, new Balance("bob"), Long.class, Duration.ofSeconds(30)).orThrow().values())
                .containsExactly(5L, 5L, 5L);

            // @OnViewChange saw each join, in view order
            List<View> views = cluster.bean(0, Bank.class).views;
            assertThat(views).extracting(View::size).containsExactly(1, 2, 3);
            assertThat(views.get(2)).isEqualTo(three);
            assertThat(three.joined()).containsExactly(cluster.group(joiner, "accounts").self());
            assertThat(cluster.bean(joiner, Bank.class).views).containsExactly(three);
        }
    }

    @Test
    void aCrashIsSeenByOnViewChangeTheEndpointHealthAndMeters() throws Exception {
        try (VsyncTestCluster cluster = VsyncTestCluster.builder(BankApplication.class)
            .members(3)
            .properties(PROPERTIES)
            .start()) {
            cluster.awaitView("accounts", 3);
            cluster.bean(0, Bank.class).deposit("alice", 1, "one");
            cluster.group(0, "accounts").flush().get(30, TimeUnit.SECONDS);
            MemberId crashed = cluster.group(2, "accounts").self();

            cluster.crash(2);
            View two = cluster.awaitView("accounts", 2);
            assertThat(two.failed()).containsExactly(crashed);
            assertThat(two.left()).isEmpty();

            // @OnViewChange saw the failure
            Bank bank = cluster.bean(0, Bank.class);
            cluster.await("the view listener", () -> bank.views.get(bank.views.size() - 1).equals(two));

            // the endpoint shows the new view and who failed
            GroupDescriptor accounts = cluster.bean(1, VsyncEndpoint.class).group("accounts");
            assertThat(accounts.status().name()).isEqualTo("MEMBER");
            assertThat(accounts.view().members()).hasSize(2);
            assertThat(accounts.view().failed()).containsExactly(crashed.toString());
            assertThat(accounts.view().id()).isEqualTo(two.id());
            assertThat(accounts.handlers().replyTypes()).containsExactly(Balance.class.getName());
            assertThat(accounts.handlers().stateTransfer()).isTrue();

            // the survivors are healthy, with two members each
            Health health = cluster.bean(0, VsyncHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> groups = (Map<String, Map<String, Object>>) health.getDetails().get("groups");
            assertThat(groups.get("accounts")).containsEntry("members", 2).containsEntry("viewId", two.id());

            // the engine's timings reached the meters
            MeterRegistry meters = cluster.bean(0, MeterRegistry.class);
            assertThat(meters.get("vsync.delivery.latency").tags("group", "accounts", "kind", "ORDERED").timer().count())
                .isEqualTo(1);
            assertThat(meters.get("vsync.flush.duration").tag("group", "accounts").timer().count()).isEqualTo(1);
            assertThat(meters.get("vsync.view.change.duration").tag("group", "accounts").timer().count()).isPositive();
            assertThat(meters.get("vsync.view.size").tag("group", "accounts").gauge().value()).isEqualTo(2);
        }
    }

    @Test
    void aGracefulStopIsALeaveAndARestartIsANewIncarnation() {
        try (VsyncTestCluster cluster = VsyncTestCluster.builder(BankApplication.class)
            .members(2)
            .properties(PROPERTIES)
            .start()) {
            cluster.awaitView("accounts", 2);
            MemberId first = cluster.group(1, "accounts").self();
            cluster.stop(1);
            View alone = cluster.awaitView("accounts", 1);
            assertThat(alone.left()).containsExactly(first);
            assertThat(alone.failed()).isEmpty();
            cluster.bean(0, Bank.class).deposit("carol", 7, "while-away");
            cluster.restart(1);
            cluster.awaitView("accounts", 2);
            assertThat(cluster.group(1, "accounts").self()).isNotEqualTo(first);
            assertThat(cluster.bean(1, Bank.class).balances()).containsEntry("carol", 7L);
            assertThat(cluster.state(1)).isEqualTo(VsyncTestCluster.MemberState.RUNNING);

            // a partition over loopback: with two members neither side is a majority
            cluster.partition(Set.of(0), Set.of(1));
            cluster.await("both partitioned", () -> cluster.group(0, "accounts").status() == GroupStatus.PARTITIONED
                    && cluster.group(1, "accounts").status() == GroupStatus.PARTITIONED);
            cluster.heal();
            cluster.awaitView("accounts", 2);
            assertThat(cluster.bean(1, Bank.class).balances()).containsEntry("carol", 7L);
        }
    }

    @Test
    void anApplicationWhoseEngineIgnoresTheConfigurerIsRejected() {
        VsyncTestCluster.Builder builder = VsyncTestCluster.builder(BankApplication.class, FakeEngineConfiguration.class)
            .members(1)
            .properties(PROPERTIES);
        assertThatIllegalStateException().isThrownBy(builder::start)
            .withMessageContaining("does not use the cluster's transport")
            .withMessageContaining("VsyncEngineConfigurer.configure(VsyncEngine.builder())");
    }

    static void sendConcurrently(VsyncTestCluster cluster, int a, int b, int each) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int member : new int[] { a, b }) {
            Bank bank = cluster.bean(member, Bank.class);
            Thread thread = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    bank.deposit("alice", 1, "m" + member + "-" + i);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }

}
