package io.vsync.realprocess;

import io.vsync.api.Group;
import io.vsync.api.GroupStatus;
import io.vsync.api.MemberId;
import io.vsync.api.NotJoinedException;
import io.vsync.api.View;
import io.vsync.api.VsyncEngine;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One member process of the real-process tests, steered through stdin and reporting on stdout,
 * one line each.
 *
 * <p>Arguments, {@code key=value}: {@code name}, {@code port}, {@code seeds} (comma-separated
 * {@code host:port}), {@code history} (file), {@code heartbeatMs}, {@code timeoutMs},
 * {@code rate} (messages per second), {@code fifoEvery} (every n-th message is a {@code send},
 * the others {@code orderedSend}).
 *
 * <p>Output: {@code READY <address> <pid>} once listening; {@code JOINED <self> <viewId>};
 * {@code VIEW <id> <self> <member,member,…> at=<epoch ms>} from the view callback;
 * {@code STATUS <status> <self> at=<epoch ms>} on every status change (polled every 10 ms);
 * answers to the commands below; {@code ERROR …} on trouble.
 *
 * <p>Commands: {@code JOIN} joins group {@code g} and then runs the load; {@code LOAD_STOP}
 * stops it and waits for its sends to be delivered here, answering {@code LOAD_STOPPED
 * ok=<n> failed=<n> lastOk=<seq>}; {@code PROGRESS} answers {@code PROGRESS <viewId> <self>
 * <members> <name>=<highest seq delivered>,…}; {@code CUT} flushes the history and answers
 * {@code CUT <events in the file>}; {@code DUMP} answers {@code DUMP at=<ms> <protocol state>}
 * (diagnostics, see {@link EngineProbe}); {@code STOP} leaves gracefully, closes the history and
 * exits with {@code BYE}. End of stdin (the test's JVM is gone) ends the process at once.
 */
public final class Member {

    static final String GROUP = "g";

    private final Map<String, String> args;
    private final String name;
    private final PrintStream out;
    private final RecordingHistory history;
    private final VsyncEngine engine;
    private final Group group;
    /** Per sending process, the highest running number delivered here. */
    private final Map<String, Long> progress = new ConcurrentHashMap<>();
    private volatile Load load;
    /** Delivery thread only: when a slow delivery was last reported. */
    private long lastLagReport;
    /** Delivery thread only: ticks handled. */
    private long handled;
    private static final long LAG_REPORT_MS = 300;

    private Member(Map<String, String> args, PrintStream out) throws Exception {
        this.args = args;
        this.name = args.get("name");
        this.out = out;
        this.history = new RecordingHistory(Path.of(args.get("history")));
        this.engine = VsyncEngine.builder()
                .nodeName(name)
                .bind("127.0.0.1", Integer.parseInt(args.get("port")))
                .seeds(List.of(args.get("seeds").split(",")))
                .heartbeatInterval(Duration.ofMillis(Long.parseLong(args.getOrDefault("heartbeatMs", "100"))))
                .failureTimeout(Duration.ofMillis(Long.parseLong(args.getOrDefault("timeoutMs", "1000"))))
                .historyListener(history)
                .build();
        this.group = engine.group(GROUP);
        group.handle(Tick.class, this::onTick);
        group.onViewChange(this::onView);
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (String arg : argv) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("want key=value, got " + arg);
            }
            args.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        new Member(args, out).run();
    }

    private void say(String line) {
        synchronized (out) {
            out.println(line);
        }
    }

    private void run() throws Exception {
        engine.start();
        startDaemon("history-flusher", () -> {
            while (true) {
                sleep(RecordingHistory.FLUSH_EVERY_MS);
                history.flush();
            }
        });
        startDaemon("status-watcher", this::watchStatus);
        say("READY " + engine.localAddress() + " " + ProcessHandle.current().pid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            try {
                switch (line.trim()) {
                    case "JOIN" -> startDaemon("joiner", this::joinAndLoad);
                    case "LOAD_STOP" -> startDaemon("load-stopper", this::stopLoad);
                    case "PROGRESS" -> say(progressLine());
                    case "CUT" -> say("CUT " + history.cut());
                    case "DUMP" -> say("DUMP at=" + System.currentTimeMillis() + " " + EngineProbe.dump(engine, GROUP));
                    case "STOP" -> {
                        stop();
                        return;
                    }
                    case "" -> {
                    }
                    default -> say("ERROR unknown command " + line);
                }
            } catch (Exception e) {
                say("ERROR " + line + ": " + e);
            }
        }
        // The test's JVM went away: no graceful anything, just do not linger.
        history.flush();
        Runtime.getRuntime().halt(3);
    }

    private void joinAndLoad() {
        try {
            View view = group.join(Duration.ofSeconds(60));
            say("JOINED " + group.self() + " " + view.id());
            Load started = new Load(Integer.parseInt(args.getOrDefault("rate", "250")),
                    Integer.parseInt(args.getOrDefault("fifoEvery", "5")));
            load = started;
            startDaemon("load", started::run);
        } catch (RuntimeException e) {
            say("ERROR join: " + e);
        }
    }

    private void stopLoad() {
        Load running = load;
        if (running == null) {
            say("ERROR LOAD_STOP: no load running");
            return;
        }
        say(running.stopAndDrain(Duration.ofSeconds(60)));
    }

    private void stop() throws Exception {
        Load running = load;
        if (running != null) {
            running.stopAndDrain(Duration.ofSeconds(10));
        }
        engine.close();
        history.close();
        say("BYE");
        System.exit(0);
    }

    private void onTick(Tick tick) {
        handled++;
        progress.merge(tick.from(), tick.seq(), Math::max);
        long now = System.currentTimeMillis();
        long lag = now - tick.sentAt();
        if (lag >= LAG_REPORT_MS && now - lastLagReport >= LAG_REPORT_MS) {
            lastLagReport = now;
            say("LAG " + lag + " ms from send to delivery of " + tick.from() + "#" + tick.seq() + ", "
                    + (history.deliveries() - handled) + " delivered but not yet handled at=" + now);
        }
    }

    private void onView(View view) {
        StringJoiner members = new StringJoiner(",");
        view.members().forEach(m -> members.add(m.toString()));
        say("VIEW " + view.id() + " " + group.self() + " " + members + " at=" + System.currentTimeMillis());
    }

    private void watchStatus() {
        GroupStatus last = null;
        MemberId lastSelf = null;
        while (true) {
            GroupStatus status = group.status();
            MemberId self = group.self();
            if (status != last || (self != null && !self.equals(lastSelf))) {
                say("STATUS " + status + " " + self + " at=" + System.currentTimeMillis());
                last = status;
                lastSelf = self;
            }
            sleep(10);
        }
    }

    private String progressLine() {
        View view = group.view();
        StringJoiner members = new StringJoiner(",");
        if (view != null) {
            view.members().forEach(m -> members.add(m.toString()));
        }
        StringJoiner seen = new StringJoiner(",");
        new TreeMap<>(progress).forEach((from, seq) -> seen.add(from + "=" + seq));
        return "PROGRESS " + (view == null ? 0 : view.id()) + " " + group.self() + " "
                + (view == null ? "-" : members.toString()) + " " + (progress.isEmpty() ? "-" : seen.toString());
    }

    /** A steady stream of {@code orderedSend}s with a {@code send} every few messages. */
    private final class Load {
        private final long periodNanos;
        private final int fifoEvery;
        private volatile boolean running = true;
        private final CompletableFuture<Void> finished = new CompletableFuture<>();
        private final AtomicLong outstanding = new AtomicLong();
        private final AtomicLong ok = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private final AtomicLong lastOk = new AtomicLong();
        private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();

        Load(int rate, int fifoEvery) {
            this.periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
            this.fifoEvery = fifoEvery;
        }

        void run() {
            long seq = 0;
            long next = System.nanoTime();
            try {
                while (running) {
                    long now = System.nanoTime();
                    if (now < next) {
                        LockSupport.parkNanos(next - now);
                        continue;
                    }
                    // After a stall (a pause, a blocked send) carry on at the rate, without a burst.
                    next = Math.max(next, now - TimeUnit.MILLISECONDS.toNanos(50)) + periodNanos;
                    long n = seq + 1;
                    boolean ordered = fifoEvery <= 0 || n % fifoEvery != 0;
                    Tick tick = new Tick(name, n, ordered, System.currentTimeMillis());
                    CompletableFuture<Void> delivered;
                    try {
                        delivered = ordered ? group.orderedSend(tick) : group.send(tick);
                    } catch (NotJoinedException e) {
                        // Excluded or rejoining: nothing went out; try again a little later.
                        sleep(20);
                        continue;
                    } catch (RuntimeException e) {
                        errors.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
                        say("ERROR send " + n + ": " + e);
                        sleep(20);
                        continue;
                    }
                    seq = n;
                    outstanding.incrementAndGet();
                    delivered.whenComplete((v, e) -> {
                        if (e == null) {
                            ok.incrementAndGet();
                            lastOk.accumulateAndGet(n, Math::max);
                        } else {
                            failed.incrementAndGet();
                        }
                        outstanding.decrementAndGet();
                    });
                }
            } finally {
                finished.complete(null);
            }
        }

        String stopAndDrain(Duration timeout) {
            running = false;
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                finished.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                return "ERROR LOAD_STOP: the load thread did not stop: " + e;
            }
            while (outstanding.get() > 0 && System.nanoTime() < deadline) {
                sleep(10);
            }
            return "LOAD_STOPPED ok=" + ok.get() + " failed=" + failed.get() + " outstanding=" + outstanding.get()
                    + " lastOk=" + lastOk.get() + " errors=" + errorSummary();
        }

        private String errorSummary() {
            StringJoiner text = new StringJoiner(",");
            new TreeMap<>(errors).forEach((type, count) -> text.add(type + ":" + count));
            return errors.isEmpty() ? "-" : text.toString();
        }
    }

    private static void startDaemon(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
