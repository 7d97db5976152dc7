package io.vsync.api;

/** Where a group handle stands. */
public enum GroupStatus {
    /** Created, not joined. */
    IDLE,
    /** Looking for the group through the seeds, or waiting to be admitted. */
    JOINING,
    /** In a primary view; sends go out and deliveries arrive. */
    MEMBER,
    /** A view change is running; sends are held and go out in the next view. */
    VIEW_CHANGE,
    /**
     * This member found itself on the minority side of a partition (or excluded from the
     * group). It delivers nothing more in its old view and tries to rejoin as a new
     * incarnation once it can reach the primary view.
     */
    PARTITIONED,
    /** Leaving gracefully. */
    LEAVING,
    /** Left; the handle can join again. */
    LEFT
}
