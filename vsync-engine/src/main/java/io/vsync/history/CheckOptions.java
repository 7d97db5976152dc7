package io.vsync.history;

import io.vsync.api.MemberId;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the {@link Checker} may assume about the end of the run.
 *
 * @param quiescentEnd true when faults had stopped, a majority was connected and the run
 *                     settled before it ended: only then is liveness (guarantee 12) checked
 * @param aliveAtEnd   per group, the members (current incarnations) alive at the end; a group
 *                     missing here is checked without it. Used only when {@code quiescentEnd}.
 */
public record CheckOptions(boolean quiescentEnd, Map<String, Set<MemberId>> aliveAtEnd) {

    public CheckOptions {
        Map<String, Set<MemberId>> copy = new HashMap<>();
        if (aliveAtEnd != null) {
            aliveAtEnd.forEach((group, members) -> copy.put(group, Set.copyOf(members)));
        }
        aliveAtEnd = Map.copyOf(copy);
    }

    /** Safety guarantees only: the run may have ended in the middle of faults. */
    public static CheckOptions safetyOnly() {
        return new CheckOptions(false, Map.of());
    }

    /** Safety and liveness, without knowing who is alive. */
    public static CheckOptions quiescent() {
        return new CheckOptions(true, Map.of());
    }

    /** Safety and liveness, knowing per group who is alive at the end. */
    public static CheckOptions quiescent(Map<String, Set<MemberId>> aliveAtEnd) {
        return new CheckOptions(true, aliveAtEnd);
    }

    /** The members alive at the end in {@code group}, when known. */
    public Optional<Set<MemberId>> aliveAtEnd(String group) {
        return Optional.ofNullable(aliveAtEnd.get(group));
    }
}
