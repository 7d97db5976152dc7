package io.vsync.realprocess;

import io.vsync.api.DeliveryInfo;
import io.vsync.api.Group;
import io.vsync.api.GroupStatus;
import io.vsync.api.MemberId;
import io.vsync.api.NotJoinedException;
import io.vsync.api.QueryResult;
import io.vsync.api.Quorum;
import io.vsync.api.Reply;
import io.vsync.api.StateTransfer;
import io.vsync.api.View;
import io.vsync.api.VsyncEngine;
import io.vsync.history.HistoryEvent;
import io.vsync.history.StateDigest;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
 * the others {@code orderedSend}, {@code causalSend} and {@code safeSend} in turn),
 * {@code queryEvery} (every n-th step asks a query instead, 0 for none).
 *
 * <p>The application state is a {@link StateDigest} of every multicast delivered: the query
 * handler answers with it (recording the answer in the history), joiners receive it by state
 * transfer (recorded on both sides), and the asker records every reply it accepts, so the
 * checker verifies guarantees 13 and 14 on the union of the files.
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
    /** Delivery thread only: the application state. */
    private long digest = StateDigest.INITIAL;
    /** Delivery thread only: the membership the state belongs to, whose deliveries are being handled. */
    private MemberId stateOf;
    /** Delivery thread only: a checkpoint read for the view about to be shown to the listener. */
    private Checkpoint loaded;
    /** Delivery thread only: a checkpoint written for the joiners of the view about to be shown. */
    private Long wrote;

    private record Checkpoint(MemberId donor, long digest) {
    }

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
        group.handleQuery(Probe.class, this::answer);
        group.stateTransfer(new StateTransfer() {
            @Override
            public void write(OutputStream out) throws IOException {
                DataOutputStream data = new DataOutputStream(out);
                data.writeLong(digest);
                data.writeUTF(String.valueOf(stateOf));
                data.flush();
                wrote = digest;
            }

            @Override
            public void read(InputStream in) throws IOException {
                DataInputStream data = new DataInputStream(in);
                long state = data.readLong();
                MemberId donor = MemberId.parse(data.readUTF());
                digest = state;
                loaded = new Checkpoint(donor, state);
            }
        });
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
                    Integer.parseInt(args.getOrDefault("fifoEvery", "5")),
                    Integer.parseInt(args.getOrDefault("queryEvery", "0")));
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

    private void onTick(Tick tick, DeliveryInfo info) {
        digest = StateDigest.after(digest, info.sender(), info.msgNo());
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

    /** The query handler: the state before this request, recorded before the reply can leave. */
    private Answer answer(Probe probe, DeliveryInfo info) {
        long before = digest;
        digest = StateDigest.after(digest, info.sender(), info.msgNo());
        // The membership whose deliveries this thread is at: after a pause the protocol may
        // already be a newer incarnation while this thread works through the old one's backlog.
        history.record(new HistoryEvent.Replied(GROUP, stateOf, info.sender(), info.msgNo(), info.viewId(), before));
        return new Answer(info.sender().toString(), info.msgNo(), before);
    }

    /** This process's member in {@code view} (the current incarnation), or the group's self. */
    private MemberId selfIn(View view) {
        if (view != null) {
            for (MemberId m : view.members()) {
                if (m.address().equals(engine.localAddress())) {
                    return m;
                }
            }
        }
        return group.self();
    }

    private void onView(View view) {
        MemberId me = selfIn(view);
        if (!me.equals(stateOf)) {
            // A new membership: its state is the checkpoint it loaded, or a new group's.
            stateOf = me;
            if (loaded != null) {
                history.record(new HistoryEvent.StateLoaded(GROUP, me, loaded.donor(), view.id(), loaded.digest()));
            } else if (view.joined().containsAll(view.members())) {
                digest = StateDigest.INITIAL;
            }
        }
        loaded = null;
        if (wrote != null) {
            for (MemberId joiner : view.joined()) {
                history.record(new HistoryEvent.StateSent(GROUP, me, joiner, view.id(), wrote));
            }
            wrote = null;
        }
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

    /**
     * A steady stream of {@code orderedSend}s, {@code causalSend}s and {@code safeSend}s with a
     * {@code send} every few messages and a query every so often. Each kind's delivery
     * completes a future; the last message, after the stop, is an {@code orderedSend} so that
     * its delivery everywhere (FIFO per sender) means every earlier request was delivered too.
     */
    private final class Load {
        private static final Quorum[] QUORUMS = {Quorum.ALL, Quorum.MAJORITY, Quorum.of(2)};
        private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);
        private final long periodNanos;
        private final int fifoEvery;
        private final int queryEvery;
        private final AtomicLong queries = new AtomicLong();
        private final AtomicLong queriesOutstanding = new AtomicLong();
        private final AtomicLong repliesAccepted = new AtomicLong();
        private long seq;
        private volatile boolean running = true;
        private final CompletableFuture<Void> finished = new CompletableFuture<>();
        private final AtomicLong outstanding = new AtomicLong();
        private final AtomicLong ok = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private final AtomicLong lastOk = new AtomicLong();
        private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();

        Load(int rate, int fifoEvery, int queryEvery) {
            this.periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
            this.fifoEvery = fifoEvery;
            this.queryEvery = queryEvery;
        }

        void run() {
            long next = System.nanoTime();
            long steps = 0;
            try {
                while (running) {
                    long now = System.nanoTime();
                    if (now < next) {
                        LockSupport.parkNanos(next - now);
                        continue;
                    }
                    // After a stall (a pause, a blocked send) carry on at the rate, without a burst.
                    next = Math.max(next, now - TimeUnit.MILLISECONDS.toNanos(50)) + periodNanos;
                    if (queryEvery > 0 && ++steps % queryEvery == 0) {
                        ask(steps);
                        continue;
                    }
                    if (!sendOne(seq + 1, fifoEvery <= 0 || (seq + 1) % fifoEvery != 0 ? (int) ((seq + 1) % 3) : -1)) {
                        sleep(20);
                    }
                }
            } finally {
                finished.complete(null);
            }
        }

        /**
         * Sends tick {@code n}: kind -1 {@code send}, 0 {@code orderedSend}, 1 {@code causalSend},
         * 2 {@code safeSend}. @return whether it went out
         */
        private boolean sendOne(long n, int kind) {
            Tick tick = new Tick(name, n, kind >= 0, System.currentTimeMillis());
            CompletableFuture<Void> delivered;
            try {
                delivered = switch (kind) {
                    case -1 -> group.send(tick);
                    case 1 -> group.causalSend(tick);
                    case 2 -> group.safeSend(tick);
                    default -> group.orderedSend(tick);
                };
            } catch (NotJoinedException e) {
                // Excluded or rejoining: nothing went out; try again a little later.
                return false;
            } catch (RuntimeException e) {
                errors.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
                say("ERROR send " + n + ": " + e);
                return false;
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
            return true;
        }

        /** Asks every member for its state; records each reply accepted. */
        private void ask(long step) {
            CompletableFuture<QueryResult<Answer>> result;
            try {
                result = group.queryAsync(QUORUMS[(int) (step / queryEvery % QUORUMS.length)], new Probe(name, step),
                        Answer.class, QUERY_TIMEOUT);
            } catch (NotJoinedException e) {
                return;
            } catch (RuntimeException e) {
                errors.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
                say("ERROR query " + step + ": " + e);
                return;
            }
            queries.incrementAndGet();
            queriesOutstanding.incrementAndGet();
            result.whenComplete((r, e) -> {
                if (r != null) {
                    for (Reply<Answer> reply : r.replies()) {
                        Answer a = reply.value();
                        if (!reply.ok() || a == null) {
                            say("ERROR query " + step + ": reply " + reply);
                        } else if (!MemberId.parse(a.asker()).address().equals(engine.localAddress())) {
                            say("ERROR query " + step + " of " + engine.localAddress() + " answered for " + a.asker());
                        } else {
                            // The request went out under the incarnation the repliers name: this
                            // process's self may have changed between asking and sending.
                            MemberId asker = MemberId.parse(a.asker());
                            history.record(new HistoryEvent.ReplyReceived(GROUP, asker, reply.from(),
                                    a.requestMsgNo(), a.digest()));
                            repliesAccepted.incrementAndGet();
                        }
                    }
                }
                queriesOutstanding.decrementAndGet();
            });
        }

        String stopAndDrain(Duration timeout) {
            running = false;
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                finished.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                return "ERROR LOAD_STOP: the load thread did not stop: " + e;
            }
            while (queriesOutstanding.get() > 0 && System.nanoTime() < deadline) {
                sleep(10);
            }
            while (!sendOne(seq + 1, 0) && System.nanoTime() < deadline) {
                sleep(20);
            }
            while (outstanding.get() > 0 && System.nanoTime() < deadline) {
                sleep(10);
            }
            return "LOAD_STOPPED ok=" + ok.get() + " failed=" + failed.get() + " outstanding=" + outstanding.get()
                    + " lastOk=" + lastOk.get() + " queries=" + queries.get() + " replies=" + repliesAccepted.get()
                    + " errors=" + errorSummary();
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
