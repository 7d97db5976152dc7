package io.vsync.history;

import io.vsync.api.MemberId;

/**
 * The application state the query and state-transfer checks model: a digest of the multicasts
 * a member has delivered. Applications under test (the simulator's, the real-process test's)
 * keep the same digest, fold every delivered multicast into it with {@link #after}, answer
 * queries with it and transfer it to joiners; the checker recomputes it from the history.
 *
 * <p>The digest is a sum of one 64-bit mix per message: it depends on which messages were
 * delivered, not on their order. Members that survive from one view into the next delivered
 * the same set there (guarantee 5) but not always in the same order (two {@code send}s of
 * different senders), and a joiner's state must equal every such member's, so the digest of
 * a set is what the state is. A reply computed one delivery too early or too late differs.
 */
public final class StateDigest {

    /** The state of a group that has delivered nothing. */
    public static final long INITIAL = 0;

    private StateDigest() {
    }

    /** {@code digest} after delivering {@code sender}'s multicast {@code msgNo}. */
    public static long after(long digest, MemberId sender, long msgNo) {
        return digest + mix(sender.address().hashCode() * 0x9E3779B97F4A7C15L
                ^ mix(sender.incarnation()) ^ mix(msgNo + 0x632BE59BD9B4E019L));
    }

    /** SplitMix64's finaliser: every input bit moves about half the output bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
