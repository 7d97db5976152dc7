package io.vsync.state;

import io.vsync.api.MemberId;
import io.vsync.api.View;

import java.util.List;

/**
 * Who gives state to whom when a view is installed. The donor is the oldest member (first in
 * rank) that is not joining: it writes the checkpoint at the view's position in its delivery
 * order, after every message of the view before and before any of the new one. A member loads
 * a checkpoint in the first view it is in, if it was admitted there to a group that already
 * had members; a view made of joiners only is a new group, whose state is the initial one.
 */
public final class Admission {

    private Admission() {
    }

    /** The member that writes checkpoints for {@code view}'s joiners; null when every member is joining. */
    public static MemberId donorOf(View view) {
        for (MemberId m : view.members()) {
            if (!view.joined().contains(m)) {
                return m;
            }
        }
        return null;
    }

    /**
     * Whether {@code self}, installing {@code installed} after {@code previous} (null if none),
     * must load a checkpoint from {@link #donorOf} before delivering anything.
     */
    public static boolean mustLoad(View previous, View installed, MemberId self) {
        boolean firstView = previous == null || !previous.contains(self);
        return firstView && installed.joined().contains(self) && donorOf(installed) != null;
    }

    /** The joiners {@code self} writes a checkpoint for on installing {@code installed}; usually none. */
    public static List<MemberId> donatesTo(View previous, View installed, MemberId self) {
        boolean firstView = previous == null || !previous.contains(self);
        return !firstView && self.equals(donorOf(installed)) ? installed.joined() : List.of();
    }
}
