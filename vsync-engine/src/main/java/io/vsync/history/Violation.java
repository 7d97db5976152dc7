package io.vsync.history;

import java.util.Objects;

/**
 * One broken guarantee, found by the {@link Checker}.
 *
 * @param guarantee the guarantee's number in DESIGN.md §1
 * @param name      the guarantee's name, e.g. "virtual synchrony"
 * @param detail    what happened, naming group, members, view and message so that the run can
 *                  be debugged from this line alone
 */
public record Violation(int guarantee, String name, String detail) {

    public Violation {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        return "#" + guarantee + " " + name + ": " + detail;
    }
}
