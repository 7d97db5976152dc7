package io.vsync.history;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the {@link Checker} found.
 *
 * @param violations      the reported violations, by guarantee number, then in the order found;
 *                        capped per guarantee (see {@link #violationCounts()} for all)
 * @param violationCounts per guarantee number, how many violations were found in all
 * @param events          events checked
 * @param views           distinct views installed, over all groups
 * @param deliveries      delivery events checked
 */
public record CheckResult(List<Violation> violations, SortedMap<Integer, Integer> violationCounts,
                          int events, int views, int deliveries) {

    public CheckResult {
        violations = List.copyOf(violations);
        violationCounts = Collections.unmodifiableSortedMap(new TreeMap<>(violationCounts));
    }

    /** True when no guarantee was broken. */
    public boolean ok() {
        return violationCount() == 0;
    }

    /** All violations found, including those left out of {@link #violations()}. */
    public int violationCount() {
        return violationCounts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** How many violations of guarantee {@code guarantee} were found. */
    public int violationCount(int guarantee) {
        return violationCounts.getOrDefault(guarantee, 0);
    }

    /** A report for people: the counts, then one line per reported violation. */
    public String summary() {
        StringBuilder text = new StringBuilder()
                .append("checked ").append(events).append(" events, ").append(views).append(" views, ")
                .append(deliveries).append(" deliveries: ");
        if (ok()) {
            return text.append("all guarantees hold").toString();
        }
        text.append(violationCount()).append(" violation(s)");
        for (Map.Entry<Integer, Integer> count : violationCounts.entrySet()) {
            long shown = violations.stream().filter(v -> v.guarantee() == count.getKey()).count();
            text.append("\n  guarantee ").append(count.getKey()).append(": ").append(count.getValue());
            if (shown < count.getValue()) {
                text.append(" (first ").append(shown).append(" shown)");
            }
        }
        for (Violation violation : violations) {
            text.append("\n  ").append(violation);
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return summary();
    }
}
