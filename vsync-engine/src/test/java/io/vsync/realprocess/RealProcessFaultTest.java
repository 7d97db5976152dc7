package io.vsync.realprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.vsync.api.MemberId;
import io.vsync.history.CheckOptions;
import io.vsync.history.CheckResult;
import io.vsync.history.Checker;
import io.vsync.history.HistoryEvent;
import io.vsync.history.HistoryFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 2's real-process test: five engines in five JVMs on loopback under a steady load of
 * all four multicasts ({@code orderedSend}, {@code causalSend}, {@code safeSend}, a
 * {@code send} every fifth) and queries (every tenth step; quorums ALL, MAJORITY, 2); one is
 * killed with {@code kill -9}, another is frozen with {@code SIGSTOP} past the failure
 * timeout and resumed, finds itself excluded and rejoins as a new incarnation, receiving the
 * group's state by state transfer, as does a sixth process that joins under load (and the
 * members that joined the first founder). Every
 * process records its history to a file, its application's replies and checkpoints included
 * (see {@link Member}); the checker verifies the union, guarantees 13 and 14 included.
 *
 * <p>Two checks: safety ({@link CheckOptions#safetyOnly()}) over every line of every file,
 * the killed process's included; and safety plus liveness over the run up to quiescence. For
 * the second, the load is stopped, the test waits until every live member is in the same view
 * and has delivered every live sender's last message, then asks each member how many events
 * its file holds ({@code CUT}). Those prefixes (plus the killed process's whole file) are a
 * history that ended quiescent, with the four current incarnations as the alive set; the
 * graceful leaves after it would otherwise make the last, one-member view the "final" one.
 * The engines' own logs must hold no SEVERE or WARNING record
 * ({@code -Drealprocess.tolerateEngineErrors=true} only prints them).
 *
 * <p>On failure (or with {@code -Drealprocess.keep=true}) the histories, the members' stdout
 * transcripts ({@code *.out}), their engine logs ({@code *.err}) and the run's own log
 * ({@code run.log}) stay in {@code target/realprocess-*}, whose path the failure message gives.
 */
@Timeout(value = 170, unit = TimeUnit.SECONDS)
class RealProcessFaultTest {

    private static final int MEMBERS = 5;
    private static final Duration HEARTBEAT = Duration.ofMillis(100);
    private static final Duration FAILURE_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration PAUSE = Duration.ofMillis(2500);
    /** Waits are generous: the machine may be shared and loaded; they end as soon as the state is reached. */
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static final Duration ANSWER = Duration.ofSeconds(20);
    private static final int RATE = Integer.getInteger("realprocess.rate", 250);

    private final List<MemberProcess> members = new CopyOnWriteArrayList<>();
    /** Ends the members should this JVM be told to stop before {@link #cleanUp()} runs. */
    private final Thread reaper = new Thread(() -> members.forEach(MemberProcess::destroy), "realprocess-reaper");
    private Path dir;
    private PrintStream log;
    private long startedAt;
    private boolean passed;

    @AfterEach
    void cleanUp() throws IOException {
        for (MemberProcess member : members) {
            member.destroy();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // Shutting down already, or never registered.
        }
        if (!passed && dir != null && !members.isEmpty()) {
            checkWhatWasRecorded();
        }
        if (log != null) {
            note("%s after %.1f s", passed ? "PASSED" : "FAILED", (System.nanoTime() - startedAt) / 1e9);
            log.close();
        }
        if (dir == null) {
            return;
        }
        if (passed && !Boolean.getBoolean("realprocess.keep")) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } else {
            System.out.println("real-process run kept in " + dir);
        }
    }

    /**
     * Kills the member of rank 1, then pauses the member of the last rank; at the end the
     * members leave one after another.
     */
    @Test
    void killAndPauseUnderLoadKeepEveryGuarantee() throws Exception {
        run(false, false);
    }

    /**
     * Kills the member of rank 1, then pauses the leader: the next in rank takes over the
     * view change; at the end all members leave at the same instant.
     */
    @Test
    void killAndPauseOfTheLeaderUnderLoadKeepEveryGuarantee() throws Exception {
        run(true, true);
    }

    private void run(boolean pauseLeader, boolean leaveTogether) throws Exception {
        startedAt = System.nanoTime();
        Runtime.getRuntime().addShutdownHook(reaper);
        Files.createDirectories(Path.of("target"));
        dir = Files.createTempDirectory(Path.of("target"), "realprocess-").toAbsolutePath();
        log = new PrintStream(Files.newOutputStream(dir.resolve("run.log")), true, StandardCharsets.UTF_8);
        note("run directory %s", dir);
        String where = " (histories, transcripts and logs kept in " + dir + ")";

        // ------------------------------------------------ start five JVMs, join at once
        List<Integer> ports = freePorts(MEMBERS + 1);
        List<String> seeds = ports.subList(0, MEMBERS).stream().map(p -> "127.0.0.1:" + p).toList();
        Map<String, String> settings = Map.of("heartbeatMs", String.valueOf(HEARTBEAT.toMillis()),
                "timeoutMs", String.valueOf(FAILURE_TIMEOUT.toMillis()), "rate", String.valueOf(RATE),
                "fifoEvery", "5", "queryEvery", "10");
        for (int i = 0; i < MEMBERS; i++) {
            members.add(MemberProcess.start("m" + (i + 1), ports.get(i), seeds, dir, settings));
        }
        for (MemberProcess member : members) {
            member.await(0, line -> line.startsWith("READY "), "READY", STARTUP);
        }
        note("all %d JVMs listening: %s", MEMBERS, members);
        for (MemberProcess member : members) {
            member.command("JOIN");
        }
        for (MemberProcess member : members) {
            member.await(0, line -> line.startsWith("JOINED "), "JOINED", STARTUP);
        }
        MemberProcess.SeenView full = awaitCommonView("the first " + MEMBERS + "-member view", members, SETTLE);
        note("one group of %d formed: view %d %s", MEMBERS, full.id(), full.members());
        assertThat(firstViewLeaders())
                .as("members started at the same instant must form one group, not several" + where)
                .hasSize(1);
        Thread.sleep(1000);

        // ------------------------------------------------ kill -9 a member that is not the leader
        MemberProcess killed = byAddress(full.members().get(1).address());
        List<MemberProcess> live = new ArrayList<>(members);
        live.remove(killed);
        long killedAtMillis = System.currentTimeMillis();
        note("kill -9 %s at=%d", killed, killedAtMillis);
        int status = killed.killHard(Duration.ofSeconds(10));
        assertThat(status).as("exit status of " + killed + " after destroyForcibly: 128 + SIGKILL(9)").isEqualTo(137);
        MemberProcess.SeenView afterKill = awaitCommonView("a 4-member view without " + killed.name, live, SETTLE);
        note("survivors installed view %d %s; the last of them %d ms after the kill", afterKill.id(),
                afterKill.members(), installedByAll(live, afterKill.id()) - killedAtMillis);
        assertThat(afterKill.hasAddress(killed.address)).isFalse();
        Thread.sleep(1000);

        // ------------------------------------------------ SIGSTOP another member past the timeout
        MemberProcess paused = byAddress(afterKill.members()
                .get(pauseLeader ? 0 : afterKill.members().size() - 1).address());
        MemberId pausedSelf = paused.lastView().self();
        List<MemberProcess> others = new ArrayList<>(live);
        others.remove(paused);
        long pausedAtMillis = System.currentTimeMillis();
        note("kill -STOP %s (member %s) for %d ms at=%d", paused, pausedSelf, PAUSE.toMillis(), pausedAtMillis);
        paused.signal("STOP");
        long pausedAt = System.nanoTime();
        assertThat(awaitProcState(paused, 'T')).as(paused + " is stopped (state T in /proc)").isEqualTo('T');
        MemberProcess.SeenView without = awaitCommonView("a 3-member view without the paused " + paused.name,
                others, SETTLE);
        note("the others installed view %d %s; the last of them %d ms after the pause began (timeout %d ms)",
                without.id(), without.members(), installedByAll(others, without.id()) - pausedAtMillis,
                FAILURE_TIMEOUT.toMillis());
        long pauseLeft = PAUSE.toMillis() - millisSince(pausedAt);
        if (pauseLeft > 0) {
            Thread.sleep(pauseLeft);
        }
        assertThat(paused.procState()).as(paused + " is still stopped").isEqualTo('T');
        assertThat(paused.lastView().self()).as("a stopped process installs nothing").isEqualTo(pausedSelf);
        int pausedMark = paused.mark();
        long resumedAtMillis = System.currentTimeMillis();
        note("kill -CONT %s after %d ms at=%d", paused, millisSince(pausedAt), resumedAtMillis);
        paused.signal("CONT");
        // The status watcher polls, so it may miss the short PARTITIONED spell; a new self shows
        // it too. The history's Partitioned event, checked below, is the proof.
        String excluded = paused.await(pausedMark, line -> isExclusionSign(line, pausedSelf),
                "sign of exclusion of " + pausedSelf, SETTLE);
        note("%s found itself excluded %d ms after resuming (%s)", paused.name,
                Long.parseLong(fields(excluded).get("at")) - resumedAtMillis, excluded);
        MemberProcess.SeenView rejoined = awaitCommonView("a 4-member view with " + paused.name + " back", live, SETTLE);
        MemberId newSelf = paused.lastView().self();
        note("%s rejoined as %s in view %d %s, installed by all %d ms after resuming", paused.name, newSelf,
                rejoined.id(), rejoined.members(), installedByAll(live, rejoined.id()) - resumedAtMillis);
        assertThat(newSelf).as("the rejoined member is a new incarnation").isNotEqualTo(pausedSelf);
        assertThat(newSelf.address()).isEqualTo(pausedSelf.address());

        // ------------------------------------------------ a sixth process joins under load
        MemberProcess joiner = MemberProcess.start("m" + (MEMBERS + 1), ports.get(MEMBERS), seeds, dir, settings);
        members.add(joiner);
        joiner.await(0, line -> line.startsWith("READY "), "READY", STARTUP);
        long joinAtMillis = System.currentTimeMillis();
        joiner.command("JOIN");
        joiner.await(0, line -> line.startsWith("JOINED "), "JOINED", STARTUP);
        live.add(joiner);
        MemberProcess.SeenView withJoiner = awaitCommonView("a 5-member view with the joiner " + joiner.name, live,
                SETTLE);
        note("%s joined in view %d %s, installed by all %d ms after JOIN", joiner.name, withJoiner.id(),
                withJoiner.members(), installedByAll(live, withJoiner.id()) - joinAtMillis);
        Thread.sleep(1000);

        // ------------------------------------------------ stop the load, wait for quiescence
        Map<String, Long> lastOk = new TreeMap<>();
        for (MemberProcess member : live) {
            member.command("LOAD_STOP");
        }
        for (MemberProcess member : live) {
            String stopped = member.await(0, line -> line.startsWith("LOAD_STOPPED "), "LOAD_STOPPED", SETTLE);
            note("%s %s", member.name, stopped);
            Map<String, String> fields = fields(stopped);
            assertThat(fields.get("outstanding")).as(member.name + ": sends still undelivered at the sender: "
                    + stopped + where).isEqualTo("0");
            assertThat(fields.get("errors")).as(member.name + ": send errors: " + stopped + where).isEqualTo("-");
            lastOk.put(member.name, Long.parseLong(fields.get("lastOk")));
        }
        Map<MemberProcess, Progress> progress = awaitQuiescence(live, lastOk, where);
        Progress reference = progress.get(live.get(0));
        note("quiescent in view %d %s", reference.viewId(), reference.members());
        assertThat(reference.members()).as("the group ends with the " + live.size() + " live processes in one view")
                .hasSize(live.size())
                .extracting(MemberId::address)
                .containsExactlyInAnyOrderElementsOf(live.stream().map(m -> m.address).toList());
        Map<MemberProcess, Long> cuts = new LinkedHashMap<>();
        for (MemberProcess member : live) {
            cuts.put(member, Long.parseLong(member.ask("CUT", "CUT ", ANSWER).substring(4)));
        }

        // ------------------------------------------------ graceful leaves
        if (leaveTogether) {
            List<Integer> marks = live.stream().map(MemberProcess::mark).toList();
            live.forEach(member -> member.command("STOP"));
            for (int i = 0; i < live.size(); i++) {
                live.get(i).await(marks.get(i), line -> line.equals("BYE"), "BYE", SETTLE);
            }
        }
        for (MemberProcess member : live) {
            if (!leaveTogether) {
                member.ask("STOP", "BYE", SETTLE);
            }
            assertThat(member.waitForExit(SETTLE)).as(member.name + " exits after STOP").isTrue();
            assertThat(member.exitValue()).as(member.name + " exit status").isZero();
            note("%s left and exited", member.name);
        }
        for (MemberProcess member : members) {
            List<String> errors = member.lines().stream().filter(l -> l.startsWith("ERROR")).toList();
            assertThat(errors).as(member.name + " reported errors" + where).isEmpty();
        }

        // ------------------------------------------------ check the histories
        Map<MemberProcess, List<HistoryEvent>> histories = new LinkedHashMap<>();
        for (MemberProcess member : members) {
            histories.put(member, HistoryFiles.read(member.history));
        }
        List<HistoryEvent> all = histories.values().stream().flatMap(List::stream).toList();
        CheckResult safety = new Checker().check(all, CheckOptions.safetyOnly());
        note("safety over the whole run: %s", safety.summary());

        List<HistoryEvent> beforeLeaves = new ArrayList<>(histories.get(killed));
        for (MemberProcess member : live) {
            long cut = cuts.get(member);
            List<HistoryEvent> events = histories.get(member);
            assertThat((long) events.size()).as(member.name + "'s history holds at least the cut").isGreaterThanOrEqualTo(cut);
            beforeLeaves.addAll(events.subList(0, (int) cut));
        }
        Set<MemberId> alive = new HashSet<>(reference.members());
        CheckResult liveness = new Checker().check(beforeLeaves, CheckOptions.quiescent(Map.of(Member.GROUP, alive)));
        note("safety and liveness up to the end of the load (alive %s): %s", new TreeSet<>(alive), liveness.summary());

        assertThat(safety.ok()).as("checker over the whole run: " + safety.summary() + where).isTrue();
        assertThat(liveness.ok()).as("checker up to quiescence: " + liveness.summary() + where).isTrue();
        assertThat(events(histories.get(paused), HistoryEvent.Partitioned.class))
                .as(paused.name + " recorded that its paused incarnation was excluded" + where)
                .anyMatch(p -> p.member().equals(pausedSelf));
        for (MemberProcess member : live) {
            MemberId last = reference.members().stream().filter(m -> m.address().equals(member.address))
                    .findFirst().orElseThrow();
            assertThat(events(histories.get(member), HistoryEvent.Left.class))
                    .as(member.name + " recorded its graceful leave" + where)
                    .anyMatch(l -> l.member().equals(last));
        }
        assertThat(events(histories.get(killed), HistoryEvent.Left.class)).as("the killed member never left").isEmpty();

        // ------------------------------------------------ queries and state transfer were exercised
        assertThat(events(histories.get(paused), HistoryEvent.StateLoaded.class))
                .as(paused.name + "'s new incarnation loaded a checkpoint on rejoining" + where)
                .anyMatch(l -> l.member().equals(newSelf));
        assertThat(events(histories.get(joiner), HistoryEvent.StateLoaded.class))
                .as(joiner.name + " loaded a checkpoint on joining" + where).hasSize(1);
        note("state transfers: %d checkpoints written, %d loaded; queries: %d answers computed, %d replies accepted",
                events(all, HistoryEvent.StateSent.class).size(), events(all, HistoryEvent.StateLoaded.class).size(),
                events(all, HistoryEvent.Replied.class).size(), events(all, HistoryEvent.ReplyReceived.class).size());
        for (MemberProcess member : live) {
            assertThat(events(histories.get(member), HistoryEvent.Replied.class))
                    .as(member.name + " answered queries" + where).isNotEmpty();
            assertThat(events(histories.get(member), HistoryEvent.ReplyReceived.class))
                    .as(member.name + " received replies to its queries" + where).isNotEmpty();
        }

        // ------------------------------------------------ the engines' own logs
        List<String> problems = new ArrayList<>();
        for (MemberProcess member : members) {
            problems.addAll(engineProblems(member));
        }
        problems.forEach(p -> note("engine log: %s", p));
        if (!Boolean.getBoolean("realprocess.tolerateEngineErrors")) {
            assertThat(problems).as("SEVERE or WARNING lines in the members' engine logs" + where).isEmpty();
        }
        passed = true;
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The SEVERE and WARNING records of a member's engine log (java.util.logging's format on
     * stderr: a date line, then {@code LEVEL: message}, then any stack trace), each with its
     * exception, the frame that threw and the first frame in the protocol core: a protocol task
     * that threw is a bug even when the guarantees held.
     */
    private static List<String> engineProblems(MemberProcess member) throws IOException {
        List<String> lines = Files.readAllLines(member.err, StandardCharsets.UTF_8);
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith("SEVERE:") && !lines.get(i).startsWith("WARNING:")) {
                continue;
            }
            StringBuilder problem = new StringBuilder(member.name).append(": ").append(lines.get(i));
            boolean firstFrame = true;
            for (int j = i + 1; j < lines.size(); j++) {
                String next = lines.get(j).trim();
                if (j == i + 1 && next.matches("[\\w$.]+(Exception|Error)\\b.*")) {
                    problem.append(" | ").append(next);
                } else if (next.startsWith("at ")) {
                    if (firstFrame || next.startsWith("at io.vsync.membership.")) {
                        problem.append(firstFrame ? " " : " … ").append(next);
                        if (!firstFrame) {
                            break;
                        }
                        firstFrame = false;
                    }
                } else {
                    break;
                }
            }
            problems.add(problem.toString());
        }
        return problems;
    }

    /** What a member answered to {@code PROGRESS}. */
    private record Progress(long viewId, MemberId self, List<MemberId> members, Map<String, Long> delivered) {
        static Progress parse(String line) {
            String[] parts = line.split(" ");
            List<MemberId> members = new ArrayList<>();
            if (!parts[3].equals("-")) {
                for (String m : parts[3].split(",")) {
                    members.add(MemberId.parse(m));
                }
            }
            Map<String, Long> delivered = new TreeMap<>();
            if (!parts[4].equals("-")) {
                for (String entry : parts[4].split(",")) {
                    int eq = entry.indexOf('=');
                    delivered.put(entry.substring(0, eq), Long.parseLong(entry.substring(eq + 1)));
                }
            }
            return new Progress(Long.parseLong(parts[1]), parts[2].equals("null") ? null : MemberId.parse(parts[2]),
                    members, delivered);
        }
    }

    /**
     * Waits until every live member is in the same view and has delivered the last message
     * each live sender had delivered to itself when its load stopped.
     */
    private Map<MemberProcess, Progress> awaitQuiescence(List<MemberProcess> live, Map<String, Long> lastOk,
                                                         String where) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (true) {
            Map<MemberProcess, Progress> progress = new LinkedHashMap<>();
            for (MemberProcess member : live) {
                progress.put(member, Progress.parse(member.ask("PROGRESS", "PROGRESS ", ANSWER)));
            }
            List<String> lacking = new ArrayList<>();
            Set<Long> viewIds = new HashSet<>();
            progress.forEach((member, p) -> {
                viewIds.add(p.viewId());
                lastOk.forEach((sender, seq) -> {
                    if (p.delivered().getOrDefault(sender, 0L) < seq) {
                        lacking.add(member.name + " has " + sender + " up to " + p.delivered().get(sender)
                                + " of " + seq);
                    }
                });
            });
            if (viewIds.size() == 1 && lacking.isEmpty()) {
                return progress;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not quiescent within " + SETTLE.toSeconds() + " s after the load stopped: "
                        + "views " + viewIds + ", " + lacking + "\nprotocol state:" + dumpAll() + where);
            }
            Thread.sleep(200);
        }
    }

    /**
     * Waits until every one of {@code group} has seen the same latest view, whose members are
     * exactly those processes (by address), each with the incarnation it reports as itself.
     */
    private MemberProcess.SeenView awaitCommonView(String what, List<MemberProcess> group, Duration timeout)
            throws InterruptedException {
        Set<String> addresses = group.stream().map(m -> m.address).collect(Collectors.toSet());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            MemberProcess.SeenView common = null;
            boolean agreed = true;
            for (MemberProcess member : group) {
                MemberProcess.SeenView v = member.lastView();
                if (v == null || (common != null && (v.id() != common.id() || !v.members().equals(common.members())))
                        || !v.members().contains(v.self()) || !v.self().address().equals(member.address)) {
                    agreed = false;
                    break;
                }
                common = v;
            }
            if (agreed && common != null
                    && common.members().stream().map(MemberId::address).collect(Collectors.toSet()).equals(addresses)
                    && common.members().size() == group.size()) {
                return common;
            }
            for (MemberProcess member : group) {
                if (!member.isAlive()) {
                    throw new AssertionError(member + " died while waiting for " + what + " (see " + member.err + ")");
                }
            }
            if (System.nanoTime() > deadline) {
                StringBuilder seen = new StringBuilder();
                group.forEach(m -> seen.append("\n  ").append(m.name).append(": ").append(m.lastView()));
                throw new AssertionError("no " + what + " within " + timeout.toSeconds() + " s; last views:" + seen
                        + "\nprotocol state:" + dumpAll() + "\n(run kept in " + dir + ")");
            }
            Thread.sleep(20);
        }
    }

    /** Whether a {@code STATUS <status> <self> at=…} line shows {@code excluded} found itself out. */
    private static boolean isExclusionSign(String line, MemberId excluded) {
        String[] parts = line.split(" ");
        if (parts.length < 3 || !parts[0].equals("STATUS")) {
            return false;
        }
        boolean sameSelf = parts[2].equals(excluded.toString());
        return sameSelf ? parts[1].equals("PARTITIONED") : !parts[2].equals("null");
    }

    /** When the last of {@code group} installed view {@code viewId}, by their clocks (epoch ms). */
    private static long installedByAll(List<MemberProcess> group, long viewId) {
        long last = Long.MIN_VALUE;
        for (MemberProcess member : group) {
            long at = member.views().stream().filter(v -> v.id() == viewId).mapToLong(MemberProcess.SeenView::atMillis)
                    .findFirst().orElseThrow(() -> new AssertionError(member.name + " never saw view " + viewId));
            last = Math.max(last, at);
        }
        return last;
    }

    /**
     * After a failure (a wait that timed out, say), the safety check over whatever the members
     * recorded: a stuck run may also have broken a guarantee on its way there.
     */
    private void checkWhatWasRecorded() {
        try {
            List<Path> files = members.stream().map(m -> m.history).filter(Files::exists).toList();
            CheckResult result = new Checker().check(HistoryFiles.readAll(files), CheckOptions.safetyOnly());
            note("after the failure, safety over what was recorded: %s", result.summary());
        } catch (IOException | RuntimeException e) {
            note("after the failure, the histories could not be checked: %s", e);
        }
    }

    /** Each running member's protocol state ({@code DUMP}), for a failure message; also logged. */
    private String dumpAll() {
        StringBuilder text = new StringBuilder();
        for (MemberProcess member : members) {
            String state;
            try {
                state = member.isAlive() ? member.ask("DUMP", "DUMP ", Duration.ofSeconds(5)) : "(not running)";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                state = "(interrupted)";
            } catch (AssertionError e) {
                state = "(" + e.getMessage() + ")";
            }
            text.append("\n  ").append(member.name).append(": ").append(state);
            note("%s %s", member.name, state);
        }
        return text.toString();
    }

    /** The leaders of the first view each member installed: one group means one leader. */
    private Set<MemberId> firstViewLeaders() {
        Set<MemberId> leaders = new HashSet<>();
        for (MemberProcess member : members) {
            List<MemberProcess.SeenView> views = member.views();
            if (!views.isEmpty()) {
                leaders.add(views.get(0).members().get(0));
            }
        }
        return leaders;
    }

    private MemberProcess byAddress(String address) {
        return members.stream().filter(m -> m.address.equals(address)).findFirst()
                .orElseThrow(() -> new AssertionError("no process at " + address));
    }

    private static char awaitProcState(MemberProcess member, char wanted) throws IOException, InterruptedException {
        char state = member.procState();
        for (int i = 0; i < 100 && state != wanted; i++) {
            Thread.sleep(10);
            state = member.procState();
        }
        return state;
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> fields = new HashMap<>();
        for (String part : line.split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                fields.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return fields;
    }

    private static <T extends HistoryEvent> List<T> events(List<HistoryEvent> history, Class<T> type) {
        return history.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private void note(String format, Object... args) {
        String line = String.format("[%6.1f s] ", (System.nanoTime() - startedAt) / 1e9) + String.format(format, args);
        System.out.println(line);
        if (log != null) {
            log.println(line);
        }
    }
}
