package io.vsync.realprocess;

import io.vsync.api.MemberId;
import io.vsync.api.VsyncEngine;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Reproduction, not part of the suite (the name does not end in {@code Test}; run it with
 * {@code -Dtest=RealProcessSlowAnswersRepro}): the leader's view change after a crash gets its
 * answers later than the view-change timeout, as on a starved machine. Five members under
 * load; {@code kill -9} the member of rank 1 and at once {@code SIGSTOP} the three other
 * non-leaders for 800 ms. The leader, with no majority within 500 ms, declares itself a
 * minority and rejoins; the three others (a majority of the old view, all alive) must still
 * form a view and take it back in. Fails when they have not within 30 s, printing each
 * member's protocol state.
 */
class RealProcessSlowAnswersRepro {

    private final List<MemberProcess> members = new ArrayList<>();
    private Path dir;

    @AfterEach
    void cleanUp() {
        members.forEach(MemberProcess::destroy);
        if (dir != null) {
            System.out.println("run kept in " + dir);
        }
    }

    @Test
    void survivorsFormAViewAfterTheLeaderGaveUp() throws Exception {
        MemberProcess.SeenView full = startFive();
        MemberProcess leader = byAddress(full.members().get(0));
        MemberProcess killed = byAddress(full.members().get(1));
        List<MemberProcess> slow = new ArrayList<>(members);
        slow.remove(leader);
        slow.remove(killed);
        System.out.println("leader " + leader + ", killing " + killed + ", stopping " + slow + " for 800 ms");
        killed.killHard(Duration.ofSeconds(10));
        for (MemberProcess m : slow) {
            m.signal("STOP");
        }
        Thread.sleep(800);
        for (MemberProcess m : slow) {
            m.signal("CONT");
        }
        List<MemberProcess> live = new ArrayList<>(members);
        live.remove(killed);
        awaitOrDump(live, 4);
    }

    /**
     * The other shape of the same starvation: the leader itself stalls just after it started the
     * view change for the crash ({@code SIGSTOP} for {@code realprocess.stallMs}, default 800 ms,
     * sent as soon as its status shows the view change).
     */
    @Test
    void survivorsFormAViewAfterTheLeaderStalledInItsViewChange() throws Exception {
        MemberProcess.SeenView full = startFive();
        MemberProcess leader = byAddress(full.members().get(0));
        MemberProcess killed = byAddress(full.members().get(1));
        long stallMs = Long.getLong("realprocess.stallMs", 800);
        int mark = leader.mark();
        System.out.println("leader " + leader + ", killing " + killed + ", then stopping the leader for " + stallMs
                + " ms once it shows VIEW_CHANGE");
        killed.killHard(Duration.ofSeconds(10));
        leader.await(mark, l -> l.startsWith("STATUS VIEW_CHANGE "), "VIEW_CHANGE", Duration.ofSeconds(10));
        leader.signal("STOP");
        Thread.sleep(stallMs);
        leader.signal("CONT");
        List<MemberProcess> live = new ArrayList<>(members);
        live.remove(killed);
        awaitOrDump(live, 4);
    }

    /**
     * The cause, in one JVM and deterministic: a member's failure detector watches nobody after
     * the view it joined with is installed, until the next view change. Three engines join one
     * after another; the last joiner's detector is empty (the others watch it).
     */
    @Test
    void theLastJoinerWatchesNobody() throws Exception {
        List<VsyncEngine> engines = new ArrayList<>();
        try {
            List<String> seeds = new ArrayList<>();
            List<ServerSocket> sockets = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
                seeds.add("127.0.0.1:" + sockets.get(i).getLocalPort());
            }
            for (ServerSocket socket : sockets) {
                socket.close();
            }
            for (int i = 0; i < 3; i++) {
                VsyncEngine engine = VsyncEngine.builder().nodeName("e" + i)
                        .bind("127.0.0.1", Integer.parseInt(seeds.get(i).substring(10))).seeds(seeds).build();
                engine.start();
                engines.add(engine);
                engine.group("g").join(Duration.ofSeconds(30));
            }
            Thread.sleep(500);
            for (VsyncEngine engine : engines) {
                System.out.println(engine.nodeName() + " view " + engine.group("g").view().id() + ": "
                        + EngineProbe.dump(engine, "g").replaceAll(".* fd=", "fd="));
            }
            String last = EngineProbe.dump(engines.get(2), "g");
            if (last.endsWith("fd={}")) {
                throw new AssertionError("the last joiner's failure detector watches nobody: " + last);
            }
        } finally {
            engines.forEach(VsyncEngine::close);
        }
    }

    /**
     * The consequence, without any stall: after the simultaneous start, kill -9 every member
     * that installed an earlier view too (typically the creator and the first joiner, ranks 0
     * and 1). The survivors joined with the current view, so none of them watches anybody:
     * nobody ever suspects the dead, and although they are a majority they never form a view.
     */
    @Test
    void killingEveryMemberThatWatchesLeavesTheRestStuck() throws Exception {
        MemberProcess.SeenView full = startFive();
        List<MemberProcess> watching = members.stream().filter(m -> m.views().size() > 1).toList();
        List<MemberProcess> fresh = new ArrayList<>(members);
        fresh.removeAll(watching);
        System.out.println("view " + full.id() + ": fresh joiners " + fresh + ", earlier members " + watching);
        if (fresh.size() < 3) {
            throw new org.opentest4j.TestAbortedException("the members joined in small steps this time; run again");
        }
        for (MemberProcess m : watching) {
            m.killHard(Duration.ofSeconds(10));
        }
        awaitOrDump(fresh, fresh.size());
    }

    private MemberProcess.SeenView startFive() throws Exception {
        Files.createDirectories(Path.of("target"));
        dir = Files.createTempDirectory(Path.of("target"), "repro-").toAbsolutePath();
        List<Integer> ports = new ArrayList<>();
        List<ServerSocket> sockets = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            ports.add(sockets.get(i).getLocalPort());
        }
        for (ServerSocket socket : sockets) {
            socket.close();
        }
        List<String> seeds = ports.stream().map(p -> "127.0.0.1:" + p).toList();
        for (int i = 0; i < 5; i++) {
            members.add(MemberProcess.start("m" + (i + 1), ports.get(i), seeds, dir,
                    Map.of("heartbeatMs", "100", "timeoutMs", "1000", "rate", "250", "fifoEvery", "5")));
        }
        for (MemberProcess m : members) {
            m.await(0, l -> l.startsWith("READY "), "READY", Duration.ofSeconds(60));
        }
        members.forEach(m -> m.command("JOIN"));
        for (MemberProcess m : members) {
            m.await(0, l -> l.startsWith("JOINED "), "JOINED", Duration.ofSeconds(60));
        }
        MemberProcess.SeenView full = awaitView(members, 5, Duration.ofSeconds(30));
        Thread.sleep(1000);
        return full;
    }

    private void awaitOrDump(List<MemberProcess> live, int size) throws InterruptedException {
        try {
            MemberProcess.SeenView after = awaitView(live, size, Duration.ofSeconds(30));
            System.out.println("converged: view " + after.id() + " " + after.members());
        } catch (AssertionError e) {
            StringBuilder state = new StringBuilder();
            for (MemberProcess m : live) {
                state.append("\n").append(m.name).append(" ").append(m.ask("DUMP", "DUMP ", Duration.ofSeconds(5)));
            }
            System.out.println(e.getMessage() + "\nprotocol state:" + state);
            throw new AssertionError(e.getMessage() + "\nprotocol state:" + state, e);
        }
    }

    private MemberProcess byAddress(MemberId id) {
        return members.stream().filter(m -> m.address.equals(id.address())).findFirst().orElseThrow();
    }

    private static MemberProcess.SeenView awaitView(List<MemberProcess> group, int size, Duration timeout)
            throws InterruptedException {
        Set<String> addresses = group.stream().map(m -> m.address).collect(Collectors.toSet());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<MemberProcess.SeenView> last = group.stream().map(MemberProcess::lastView).toList();
            if (last.stream().allMatch(v -> v != null && v.members().size() == size && v.id() == last.get(0).id()
                    && v.members().stream().map(MemberId::address).collect(Collectors.toSet()).equals(addresses))) {
                return last.get(0);
            }
            Thread.sleep(20);
        }
        StringBuilder seen = new StringBuilder();
        group.forEach(m -> seen.append("\n  ").append(m.name).append(": ").append(m.lastView()));
        throw new AssertionError("no common " + size + "-member view within " + timeout.toSeconds() + " s:" + seen);
    }
}
