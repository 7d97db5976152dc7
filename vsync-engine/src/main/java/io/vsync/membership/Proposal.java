package io.vsync.membership;

import io.vsync.api.MemberId;
import io.vsync.message.Ballot;
import io.vsync.message.Decision;
import io.vsync.message.Promise;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The proposer's side of one attempt at a view change. */
final class Proposal {

    enum Phase { PREPARE, ACCEPT }

    final Ballot ballot;
    Phase phase = Phase.PREPARE;
    long phaseStartedAt;
    final Map<MemberId, Promise> promises = new LinkedHashMap<>();
    final Set<MemberId> accepted = new HashSet<>();
    Decision decision;

    Proposal(Ballot ballot, long now) {
        this.ballot = ballot;
        this.phaseStartedAt = now;
    }
}
