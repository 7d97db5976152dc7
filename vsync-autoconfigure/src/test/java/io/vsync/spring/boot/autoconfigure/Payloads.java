package io.vsync.spring.boot.autoconfigure;

import java.time.Instant;

/** Message types of the tests. */
final class Payloads {

    private Payloads() {
    }

    record Deposit(String account, long amount) {
    }

    record Withdrawal(String account, long amount) {
    }

    interface Event {
    }

    record Opened(String account, Instant at) implements Event {
    }

    record Closed(String account) implements Event {
    }

    record Balances(java.util.Map<String, Long> balances) {
    }

}
