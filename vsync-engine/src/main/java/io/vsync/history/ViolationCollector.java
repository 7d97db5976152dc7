package io.vsync.history;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Gathers violations during one check. Keeps the first few of each guarantee and counts the
 * rest: a broken protocol can break a guarantee on every message, and a report of a hundred
 * thousand lines helps nobody.
 */
final class ViolationCollector {

    private final int maxReportedPerGuarantee;
    private final Map<Guarantee, List<Violation>> reported = new EnumMap<>(Guarantee.class);
    private final Map<Guarantee, Integer> counts = new EnumMap<>(Guarantee.class);

    ViolationCollector(int maxReportedPerGuarantee) {
        this.maxReportedPerGuarantee = maxReportedPerGuarantee;
    }

    /** Records one violation; {@code detail} is only built when the violation will be shown. */
    void report(Guarantee guarantee, Supplier<String> detail) {
        int count = counts.merge(guarantee, 1, Integer::sum);
        if (count <= maxReportedPerGuarantee) {
            reported.computeIfAbsent(guarantee, g -> new ArrayList<>())
                    .add(new Violation(guarantee.number, guarantee.title, detail.get()));
        }
    }

    /** Reported violations in guarantee order (the enum's order is the numbers' order). */
    List<Violation> reported() {
        List<Violation> all = new ArrayList<>();
        reported.values().forEach(all::addAll);
        return all;
    }

    SortedMap<Integer, Integer> counts() {
        SortedMap<Integer, Integer> byNumber = new TreeMap<>();
        counts.forEach((guarantee, count) -> byNumber.put(guarantee.number, count));
        return byNumber;
    }
}
