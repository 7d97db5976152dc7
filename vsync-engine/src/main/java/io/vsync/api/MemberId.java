package io.vsync.api;

import java.util.Objects;

/**
 * One incarnation of one process in one group.
 *
 * <p>The address is where the member's engine listens ({@code host:port}); the incarnation
 * distinguishes a process that crashed and came back, or a member that was excluded and
 * rejoined, from its earlier self. Two ids are equal only when both parts are equal, so a
 * stale incarnation can never be mistaken for the current one.
 */
public record MemberId(String address, long incarnation) implements Comparable<MemberId> {

    public MemberId {
        Objects.requireNonNull(address, "address");
        if (address.isBlank()) {
            throw new IllegalArgumentException("member address must not be blank");
        }
    }

    /** Parses the {@link #toString()} form {@code host:port#incarnation}. */
    public static MemberId parse(String text) {
        int hash = text.lastIndexOf('#');
        if (hash <= 0 || hash == text.length() - 1) {
            throw new IllegalArgumentException("not a member id (want host:port#incarnation): " + text);
        }
        try {
            return new MemberId(text.substring(0, hash), Long.parseLong(text.substring(hash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a member id (bad incarnation): " + text, e);
        }
    }

    @Override
    public int compareTo(MemberId other) {
        int c = address.compareTo(other.address);
        return c != 0 ? c : Long.compare(incarnation, other.incarnation);
    }

    // equals, hashCode and toString are written out rather than generated: a record's generated
    // ones link through method handles, and MemberId, a key of the engine's maps from the first
    // join on, was the largest source of the classes the JVM spins at start-up (docs/benchmarks.md,
    // Finding 14).

    @Override
    public boolean equals(Object o) {
        return o instanceof MemberId other && incarnation == other.incarnation && address.equals(other.address);
    }

    @Override
    public int hashCode() {
        return 31 * address.hashCode() + Long.hashCode(incarnation);
    }

    @Override
    public String toString() {
        return new StringBuilder(address.length() + 21).append(address).append('#').append(incarnation).toString();
    }
}
