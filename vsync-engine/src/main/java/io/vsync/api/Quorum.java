package io.vsync.api;

/**
 * How many members' replies a query waits for. Members that fail during the query are not
 * waited for: the quorum counts against the members still in the view.
 */
public sealed interface Quorum {

    /** Every member of the view at the time the request is delivered. */
    Quorum ALL = new All();

    /** More than half of the view. */
    Quorum MAJORITY = new Majority();

    /** Exactly {@code n} replies (capped at the view's size). */
    static Quorum of(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a query needs at least one reply, got " + n);
        }
        return new Count(n);
    }

    /** The number of replies wanted from a view of {@code size} members. */
    int needed(int size);

    /** Every member. */
    record All() implements Quorum {
        @Override
        public int needed(int size) {
            return size;
        }
    }

    /** More than half. */
    record Majority() implements Quorum {
        @Override
        public int needed(int size) {
            return size / 2 + 1;
        }
    }

    /** A fixed number. */
    record Count(int n) implements Quorum {
        @Override
        public int needed(int size) {
            return Math.min(n, size);
        }
    }
}
