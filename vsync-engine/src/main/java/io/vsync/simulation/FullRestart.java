package io.vsync.simulation;

import io.vsync.api.View;
import io.vsync.durability.SafeHistory;
import io.vsync.history.CheckResult;
import io.vsync.history.DurabilityCheck;
import io.vsync.history.HistoryEvent;
import io.vsync.history.RestartReplay;
import io.vsync.history.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * The full-restart scenario (guarantee 11 with a disk log): every process has a simulated disk
 * and a safeSend log; under the random workload, every process crashes at once in the middle of
 * the run, and all restart a little later. Each restarted process recovers its log's safe
 * history before joining (the replay); the one that creates the group again holds the group's
 * recovered history, which must contain every safeSend delivered anywhere before the crash, in
 * order, once ({@link DurabilityCheck}).
 */
public final class FullRestart {

    /** When the crash and the restart happen, as fractions of the fault phase. */
    private static final double CRASH_AT = 0.5;
    private static final long DOWN_MICROS = 300_000;

    private final List<RestartReplay> replays = new ArrayList<>();
    private final List<String> pendingFounders = new ArrayList<>();
    private List<HistoryEvent> beforeCrash;
    private boolean restarted;

    /** Runs seed {@code seed} of the scenario. */
    public static SimulationResult run(long seed, SimulationConfig config) {
        return new Simulation(seed, config, new FullRestart()).run();
    }

    /** What the restarted processes replayed (for tests). */
    List<RestartReplay> replays() {
        return List.copyOf(replays);
    }

    /** The history up to the crash of every process (for tests). */
    List<HistoryEvent> beforeCrash() {
        return beforeCrash == null ? List.of() : beforeCrash;
    }

    interface At {
        void at(long micros, Runnable action);
    }

    void schedule(long faultEndMicros, int nodes, At at, IntConsumer crash, IntConsumer restart) {
        long crashAt = (long) (faultEndMicros * CRASH_AT);
        at.at(crashAt, () -> {
            for (int i = 0; i < nodes; i++) {
                crash.accept(i);
            }
        });
        at.at(crashAt + DOWN_MICROS, () -> {
            restarted = true;
            for (int i = 0; i < nodes; i++) {
                restart.accept(i);
            }
        });
    }

    /** A process starts: replays its log (recorded), and joins with its position. */
    long recover(String process, SimulatedDisk disk, List<HistoryEvent> eventsSoFar) {
        if (beforeCrash == null && disk.size() > 0) {
            beforeCrash = List.copyOf(eventsSoFar);
        }
        SafeHistory history = SafeHistory.of(disk.records(), id -> false);
        if (restarted) {
            List<RestartReplay.Message> messages = new ArrayList<>();
            for (SafeHistory.Message m : history.messages()) {
                messages.add(new RestartReplay.Message(m.sender(), m.msgNo()));
            }
            replays.add(new RestartReplay(Simulation.GROUP, process, false, messages));
        }
        return history.lastViewId();
    }

    /** The first one-member view a restarted process creates marks it as the founder. */
    void viewInstalled(String process, View view) {
        if (restarted && view.size() == 1 && view.joined().equals(view.members()) && pendingFounders.isEmpty()) {
            pendingFounders.add(process);
            for (int i = replays.size() - 1; i >= 0; i--) {
                RestartReplay r = replays.get(i);
                if (r.process().equals(process)) {
                    replays.set(i, new RestartReplay(r.group(), r.process(), true, r.messages()));
                    break;
                }
            }
        }
    }

    CheckResult check(CheckResult recorded) {
        List<Violation> violations = new ArrayList<>(recorded.violations());
        if (beforeCrash == null) {
            violations.add(new Violation(11, "durability after a full restart", "the scenario never restarted"));
        } else {
            if (pendingFounders.isEmpty()) {
                violations.add(new Violation(11, "durability after a full restart", "no process created the group again"));
            }
            violations.addAll(DurabilityCheck.check(beforeCrash, replays));
        }
        Map<Integer, Integer> counts = new TreeMap<>(recorded.violationCounts());
        int added = violations.size() - recorded.violations().size();
        if (added > 0) {
            counts.merge(11, added, Integer::sum);
        }
        return new CheckResult(violations, new TreeMap<>(counts), recorded.events(), recorded.views(),
                recorded.deliveries());
    }
}
