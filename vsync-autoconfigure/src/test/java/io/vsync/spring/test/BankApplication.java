package io.vsync.spring.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

import io.vsync.api.DeliveryInfo;
import io.vsync.api.Group;
import io.vsync.api.View;
import io.vsync.spring.annotation.GroupHandler;
import io.vsync.spring.annotation.OnViewChange;
import io.vsync.spring.annotation.StateLoader;
import io.vsync.spring.annotation.StateProvider;

/**
 * A small replicated bank, as a user would write it: ordered deposits, balance queries answered
 * by handler return values, state transfer to joiners (as an object for "accounts", streamed
 * for "audit"), and a view listener.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(BankApplication.Bank.class)
public class BankApplication {

    public record Deposit(String account, long amount, String id) {
    }

    public record Balance(String account) {
    }

    public record Snapshot(Map<String, Long> balances, List<String> ledger) {
    }

    public record AuditEntry(String line) {
    }

    public static class Bank {

        private final Group accounts;

        private final Group audit;

        /** Guarded by this: the state the group replicates. */
        private final Map<String, Long> balances = new TreeMap<>();

        private final List<String> ledger = new CopyOnWriteArrayList<>();

        private final List<String> auditLog = new CopyOnWriteArrayList<>();

        public final List<View> views = new CopyOnWriteArrayList<>();

        public final List<String> kinds = new CopyOnWriteArrayList<>();

        public volatile int stateLoads;

        public Bank(@Qualifier("accounts") Group accounts, @Qualifier("audit") Group audit) {
            this.accounts = accounts;
            this.audit = audit;
        }

        public CompletableFuture<Void> deposit(String account, long amount, String id) {
            return this.accounts.orderedSend(new Deposit(account, amount, id));
        }

        public void audit(String line) {
            this.audit.orderedSend(new AuditEntry(line));
        }

        @GroupHandler(group = "accounts")
        void on(Deposit deposit, DeliveryInfo info) {
            synchronized (this) {
                this.balances.merge(deposit.account(), deposit.amount(), Long::sum);
                this.ledger.add(deposit.id());
            }
            this.kinds.add(info.kind().name());
        }

        @GroupHandler(group = "accounts")
        synchronized Long on(Balance query) {
            return this.balances.getOrDefault(query.account(), 0L);
        }

        @OnViewChange(group = "accounts")
        void view(View view) {
            this.views.add(view);
        }

        @StateProvider(group = "accounts")
        synchronized Snapshot snapshot() {
            return new Snapshot(Map.copyOf(this.balances), List.copyOf(this.ledger));
        }

        @StateLoader(group = "accounts")
        synchronized void restore(Snapshot snapshot) {
            this.balances.clear();
            this.balances.putAll(snapshot.balances());
            this.ledger.clear();
            this.ledger.addAll(snapshot.ledger());
            this.stateLoads++;
        }

        @GroupHandler(group = "audit")
        void on(AuditEntry entry) {
            this.auditLog.add(entry.line());
        }

        @StateProvider(group = "audit")
        void writeAudit(OutputStream out) throws IOException {
            Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            for (String line : this.auditLog) {
                writer.write(line);
                writer.write('\n');
            }
            writer.flush();
        }

        @StateLoader(group = "audit")
        void readAudit(InputStream in) throws IOException {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            this.auditLog.clear();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                this.auditLog.add(line);
            }
        }

        public synchronized Map<String, Long> balances() {
            return Map.copyOf(this.balances);
        }

        public List<String> ledger() {
            return List.copyOf(this.ledger);
        }

        public List<String> auditLog() {
            return List.copyOf(this.auditLog);
        }

    }

}
