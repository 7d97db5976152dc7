package io.vsync.membership;

import io.vsync.api.MemberId;

/**
 * A process that would create a group, with the position its safeSend log recovered (0 without
 * one). Among processes creating a group at once, the highest position wins (its log holds the
 * most of the history), then the lowest address: deterministic, the same at every process.
 */
record Candidate(MemberId member, long position) {

    boolean outranks(Candidate other) {
        if (position != other.position) {
            return position > other.position;
        }
        return member.address().compareTo(other.member.address()) < 0;
    }
}
