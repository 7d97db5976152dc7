package io.vsync.realprocess;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 3's full-restart test of the safeSend disk log: three member JVMs with logs (fsync
 * always) under safeSend load; every member is stopped — first gracefully, then with
 * {@code kill -9} — and all restart on the same log directories. Every safeSend whose future
 * completed before the stop must be present at every restarted member, in the same order
 * everywhere, with no duplicates. Ports 28400-28402.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SafeLogRestartTest {

    private static final int BASE_PORT = 28400;
    private static final int MEMBERS = 3;
    private static final int PER_MEMBER = 40;
    private static final Duration WAIT = Duration.ofSeconds(40);

    private final List<MemberProcess> running = new ArrayList<>();
    private Path dir;
    private boolean passed;

    @AfterEach
    void cleanUp() throws IOException {
        for (MemberProcess member : running) {
            member.destroy();
        }
        if (dir == null) {
            return;
        }
        if (passed && !Boolean.getBoolean("realprocess.keep")) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } else {
            System.out.println("safe-log run kept in " + dir);
        }
    }

    @Test
    void everyCompletedSafeSendSurvivesAGracefulStopAndAKillOfEveryMember() throws Exception {
        Files.createDirectories(Path.of("target"));
        dir = Files.createTempDirectory(Path.of("target"), "safelog-").toAbsolutePath();

        Set<String> acked = new LinkedHashSet<>();
        startAll(0);
        loadAll(acked);
        stopAll();

        List<String> afterGraceful = startAll(acked.size());
        assertSameEverywhereAndHolding(afterGraceful, acked, "after a graceful stop of every member");

        loadAll(acked);
        for (MemberProcess member : running) {
            member.killHard(Duration.ofSeconds(10));
        }
        running.clear();

        List<String> afterKill = startAll(acked.size());
        assertSameEverywhereAndHolding(afterKill, acked, "after kill -9 of every member");
        // Nothing recovered twice, nothing lost from the first run either.
        assertThat(afterKill.subList(0, afterGraceful.size())).isEqualTo(afterGraceful);
        stopAll();
        passed = true;
    }

    /** Starts every member, joins, waits for one view of all; returns the common list. */
    private List<String> startAll(int expectAtLeast) throws Exception {
        List<String> seeds = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            seeds.add("127.0.0.1:" + (BASE_PORT + i));
        }
        for (int i = 0; i < MEMBERS; i++) {
            String name = "m" + i;
            MemberProcess member = MemberProcess.start(SafeLogMember.class, name, BASE_PORT + i, seeds, dir,
                    Map.of("log", dir.resolve("log-" + name).toString(), "fsync", "always"));
            running.add(member);
        }
        for (MemberProcess member : running) {
            member.await(0, line -> line.startsWith("READY"), "READY", WAIT);
            member.command("JOIN");
        }
        for (MemberProcess member : running) {
            member.await(0, line -> line.startsWith("JOINED"), "JOINED", WAIT);
            member.await(0, line -> line.startsWith("INSTALLED ") && line.split(" ")[2].equals(String.valueOf(MEMBERS)),
                    "a view of every member", WAIT);
        }
        List<String> first = null;
        for (MemberProcess member : running) {
            List<String> list = list(member);
            assertThat(list.size()).as(member.name + "'s list").isGreaterThanOrEqualTo(expectAtLeast);
            if (first == null) {
                first = list;
            } else {
                assertThat(list).as(member.name + "'s list against " + running.get(0).name + "'s").isEqualTo(first);
            }
        }
        return first;
    }

    private static List<String> list(MemberProcess member) throws InterruptedException {
        String line = member.ask("LIST", "LIST", WAIT);
        String body = line.length() > 5 ? line.substring(5) : "";
        return body.isEmpty() ? List.of() : List.of(body.split(","));
    }

    private void loadAll(Set<String> acked) throws Exception {
        List<Integer> marks = new ArrayList<>();
        for (MemberProcess member : running) {
            marks.add(member.mark());
            member.command("SEND " + PER_MEMBER);
        }
        for (int i = 0; i < running.size(); i++) {
            MemberProcess member = running.get(i);
            member.await(marks.get(i), line -> line.startsWith("SENT"), "SENT", WAIT);
            for (String line : member.lines().subList(marks.get(i), member.mark())) {
                if (line.startsWith("ACKED ")) {
                    acked.add(line.substring(6));
                }
            }
        }
    }

    private void stopAll() throws Exception {
        for (MemberProcess member : running) {
            member.command("STOP");
        }
        for (MemberProcess member : running) {
            assertThat(member.waitForExit(WAIT)).as(member.name + " stopped").isTrue();
        }
        running.clear();
    }

    private static void assertSameEverywhereAndHolding(List<String> list, Set<String> acked, String when) {
        assertThat(new HashSet<>(list)).as("no duplicates " + when).hasSize(list.size());
        assertThat(list).as("every completed safeSend " + when).containsAll(acked);
    }
}
