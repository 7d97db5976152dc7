package io.vsync.security;

/**
 * The replay rule of one receiving session: a frame is taken only if its sequence number is
 * above the last one taken. Checked after the frame's tag, so only authentic numbers move it
 * (a forged high number cannot shut the session). Strict rather than a window: every frame is
 * authenticated when it arrives (GROUP frames for a view whose key is missing carry a link tag
 * for that reason), so numbers arrive in the sender's order over the FIFO transport and a
 * window would only let an on-path attacker reorder. Not thread-safe: used under the receive lock.
 */
final class ReplayGuard {
    private long last;

    /** Takes {@code seq} if it is new; false for a replay (or a reordered frame). */
    boolean accept(long seq) {
        if (seq <= last) {
            return false;
        }
        last = seq;
        return true;
    }

    long last() {
        return last;
    }
}
