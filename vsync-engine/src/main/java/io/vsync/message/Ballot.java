package io.vsync.message;

import io.vsync.api.MemberId;

/** Orders competing view-change proposals: by round, then by proposer id. */
public record Ballot(long round, MemberId proposer) implements Comparable<Ballot> {
    @Override
    public int compareTo(Ballot other) {
        int c = Long.compare(round, other.round);
        return c != 0 ? c : proposer.compareTo(other.proposer);
    }

    // Written out rather than generated, as in MemberId: ballots are compared in every view
    // change, and the generated methods link through method handles (Finding 14).

    @Override
    public boolean equals(Object o) {
        return o instanceof Ballot other && round == other.round && proposer.equals(other.proposer);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(round) + proposer.hashCode();
    }
}
