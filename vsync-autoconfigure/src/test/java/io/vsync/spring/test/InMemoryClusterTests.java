package io.vsync.spring.test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import io.vsync.api.GroupStatus;
import io.vsync.api.MemberId;
import io.vsync.api.View;
import io.vsync.spring.boot.autoconfigure.actuate.VsyncEndpoint;
import io.vsync.spring.boot.autoconfigure.actuate.VsyncHealthIndicator;
import io.vsync.spring.test.BankApplication.Bank;
import io.vsync.testing.FaultSchedule;

import static org.assertj.core.api.Assertions.assertThat;

/** The bank as a cluster on the engine's in-memory network, under partitions and a seeded fault schedule. */
class InMemoryClusterTests {

    @Test
    void aPartitionedMemberIsDownUntilTheHealThenCatchesUpByStateTransfer() throws Exception {
        try (VsyncTestCluster cluster = VsyncTestCluster.builder(BankApplication.class)
            .members(3)
            .inMemory(1)
            .properties(LoopbackClusterTests.PROPERTIES)
            .start()) {
            assertThat(cluster.network()).isNotNull();
            cluster.awaitView("accounts", 3);
            cluster.bean(0, Bank.class).deposit("alice", 10, "before").get(30, TimeUnit.SECONDS);
            MemberId before = cluster.group(2, "accounts").self();

            cluster.partition(Set.of(0, 1), Set.of(2));
            cluster.awaitView("accounts", 2, 0, 1);
            cluster.await("member 2 partitioned", () -> cluster.group(2, "accounts").status() == GroupStatus.PARTITIONED);
            Health minority = cluster.bean(2, VsyncHealthIndicator.class).health();
            assertThat(minority.getStatus()).isEqualTo(Status.DOWN);
            assertThat((String) minority.getDetails().get("reason")).contains("group 'accounts' is partitioned");
            assertThat(cluster.bean(2, VsyncEndpoint.class).group("accounts").status()).isEqualTo(GroupStatus.PARTITIONED);
            assertThat(cluster.bean(0, VsyncHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);

            // the majority goes on without it
            cluster.bean(1, Bank.class).deposit("alice", 5, "during").get(30, TimeUnit.SECONDS);
            assertThat(cluster.bean(2, Bank.class).ledger()).containsExactly("before");

            cluster.heal();
            cluster.awaitView("accounts", 3);
            Bank rejoined = cluster.bean(2, Bank.class);
            assertThat(cluster.group(2, "accounts").self()).isNotEqualTo(before);
            assertThat(rejoined.stateLoads).isEqualTo(2);
            assertThat(rejoined.ledger()).containsExactly("before", "during");
            assertThat(rejoined.balances()).containsEntry("alice", 15L);
            cluster.await("member 2 healthy again",
                    () -> cluster.bean(2, VsyncHealthIndicator.class).health().getStatus().equals(Status.UP));
        }
    }

    /** The example of docs/spring-boot.md. */
    @Test
    void balancesSurviveACrashAndAPartition() throws Exception {
        try (VsyncTestCluster cluster = VsyncTestCluster.builder(BankApplication.class)
            .members(3)
            .inMemory(42)
            .properties(LoopbackClusterTests.PROPERTIES)
            .start()) {
            cluster.awaitView("accounts", 3);
            cluster.bean(0, Bank.class).deposit("alice", 10, "d1").get(30, TimeUnit.SECONDS);

            cluster.crash(2);
            View two = cluster.awaitView("accounts", 2);
            assertThat(two.failed()).hasSize(1);

            cluster.partition(Set.of(0), Set.of(1));
            cluster.await("member 0 partitioned",
                    () -> cluster.group(0, "accounts").status() == GroupStatus.PARTITIONED);
            cluster.heal();
            cluster.restart(2);
            cluster.awaitView("accounts", 3);
            assertThat(cluster.bean(2, Bank.class).balances()).containsEntry("alice", 10L);
            assertThat(cluster.address(2)).isEqualTo(cluster.engine(2).localAddress());
        }
    }

    @Test
    void handlersStayConsistentUnderASeededFaultSchedule() throws Exception {
        long seed = Long.getLong("vsync.test.seed", 7);
        FaultSchedule schedule = FaultSchedule.random(seed, 3)
            .duration(Duration.ofSeconds(12))
            .meanInterval(Duration.ofSeconds(3))
            .generate();
        try (VsyncTestCluster cluster = VsyncTestCluster.builder(BankApplication.class)
            .members(3)
            .inMemory(seed)
            .properties(LoopbackClusterTests.PROPERTIES)
            .start()) {
            cluster.awaitView("accounts", 3);
            System.out.println("replay with -Dvsync.test.seed=" + seed + ": " + schedule.describe());
            List<String> confirmed = new CopyOnWriteArrayList<>();
            AtomicBoolean sending = new AtomicBoolean(true);
            Thread sender = new Thread(() -> {
                int n = 0;
                while (sending.get()) {
                    for (int member : cluster.runningMembers()) {
                        String id = "d" + n++;
                        try {
                            cluster.bean(member, Bank.class).deposit("alice", 1, id).get(30, TimeUnit.SECONDS);
                            confirmed.add(id);
                        }
                        catch (Exception ex) {
                            // not a member at the moment (partitioned, crashed): not confirmed
                        }
                    }
                    try {
                        Thread.sleep(20);
                    }
                    catch (InterruptedException ex) {
                        return;
                    }
                }
            }, "bank-client");
            sender.start();
            FaultSchedule.Run run = cluster.play(schedule);
            assertThat(run.await(Duration.ofMinutes(2))).isTrue();
            sending.set(false);
            sender.join();

            Set<Integer> running = cluster.runningMembers();
            cluster.awaitView("accounts", running.size());
            int first = running.iterator().next();
            cluster.await("the same ledger everywhere", () -> running.stream()
                .allMatch(i -> cluster.bean(i, Bank.class).ledger().equals(cluster.bean(first, Bank.class).ledger())));
            List<String> ledger = cluster.bean(first, Bank.class).ledger();
            // every deposit confirmed to a client is in every member's ledger, once
            assertThat(ledger).containsAll(confirmed).doesNotHaveDuplicates();
            for (int i : running) {
                assertThat(cluster.bean(i, Bank.class).balances().getOrDefault("alice", 0L))
                    .isEqualTo(ledger.size());
            }
            assertThat(confirmed).as("the schedule left time for deposits").isNotEmpty();
        }
    }

}
