package io.vsync.message;

import io.vsync.api.MemberId;

/** Orders competing view-change proposals: by round, then by proposer id. */
public record Ballot(long round, MemberId proposer) implements Comparable<Ballot> {
    @Override
    public int compareTo(Ballot other) {
        int c = Long.compare(round, other.round);
        return c != 0 ? c : proposer.compareTo(other.proposer);
    }
}
