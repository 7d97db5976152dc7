package io.vsync.membership;

import io.vsync.api.HistoryListener;
import io.vsync.api.MemberId;
import io.vsync.protocol.Effects;
import io.vsync.protocol.ProtocolConfig;

/** What a {@link GroupMember} and its parts need from the engine-wide part of the protocol core. */
interface NodeContext {

    ProtocolConfig config();

    Effects effects();

    HistoryListener history();

    /**
     * Milliseconds on a clock shared by all processes and increasing across restarts: the
     * process incarnation (its start time) plus the time elapsed since it started.
     */
    long clockMs(long now);

    /** A member id for a new incarnation of this process in some group. */
    MemberId newMemberId();

    boolean isSuspected(MemberId member);

    /** The lowest-addressed other process recently seen trying to join {@code group}, or null. */
    Candidate bestRecentJoiner(String group, MemberId excluding);

    /** Where the group's safeSend records go; null when it has no log. */
    io.vsync.multicast.SafeJournal journal(String group);

    /** Some group's membership changed: the set of peers to watch may have too. */
    void membershipChanged(long now);

    /** A frame was well-formed but made no sense here (wrong view, unknown sender): counted. */
    void dropped();

    void log(String message);
}
