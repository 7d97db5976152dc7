package io.vsync.sample.docs;

import io.vsync.api.Group;
import io.vsync.api.QueryResult;
import io.vsync.api.Quorum;
import io.vsync.api.VsyncEngine;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The code blocks of docs/api.md and the README, compiled; DocsSnippetsTest checks the pages against them. */
class Api {

    record Deposit(String account, long amount) {
    }

    record Balance(String account) {
    }

    record Snapshot(Map<String, Long> balances) {
    }

    private static final Logger log = LoggerFactory.getLogger(Api.class);

    private final Map<String, Long> balances = new ConcurrentHashMap<>();

    Group engineAndGroup() {
        // tag::engine[]
        VsyncEngine engine = VsyncEngine.builder()
            .nodeName("a")
            .bind("127.0.0.1", 7800)
            .seeds("127.0.0.1:7800", "127.0.0.1:7801", "127.0.0.1:7802")   // every member's address
            .heartbeatInterval(Duration.ofMillis(100))
            .failureTimeout(Duration.ofSeconds(1))
            .build();
        engine.start();

        Group accounts = engine.group("accounts");                      // [A-Za-z0-9._-], at most 100
        accounts.handle(Deposit.class, d -> balances.merge(d.account(), d.amount(), Long::sum));
        accounts.handleQuery(Balance.class, b -> balances.getOrDefault(b.account(), 0L));
        accounts.onViewChange(view -> log.info("view {}: {}", view.id(), view.members()));
        accounts.stateTransfer(Snapshot.class, () -> new Snapshot(Map.copyOf(balances)),
                               s -> { balances.clear(); balances.putAll(s.balances()); });
        accounts.join();                                                 // handlers first, then join
        // end::engine[]
        return accounts;
    }

    Group readme() {
        // tag::readme[]
        VsyncEngine engine = VsyncEngine.builder()
            .nodeName("a").bind("127.0.0.1", 7800)
            .seeds("127.0.0.1:7800", "127.0.0.1:7801", "127.0.0.1:7802")
            .build();
        engine.start();
        Group accounts = engine.group("accounts");
        accounts.handle(Deposit.class, d -> balances.merge(d.account(), d.amount(), Long::sum));
        accounts.onViewChange(view -> log.info("now {}", view.members()));
        accounts.join();
        accounts.orderedSend(new Deposit("alice", 10)).join();   // completes once delivered here
        // end::readme[]
        return accounts;
    }

    void query(Group accounts) {
        // tag::query[]
        QueryResult<Long> r = accounts.query(Quorum.MAJORITY, new Balance("alice"), Long.class,
                                             Duration.ofSeconds(2));
        r.replies();   // each Reply has from(), status() OK / NULL / ABORT, value(), error()
        r.failed();    // members that failed or left before answering: not waited for
        r.complete();  // false when the timeout struck first; r.orThrow() turns that into an exception
        // end::query[]
    }
}
