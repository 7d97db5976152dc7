package io.vsync.history;

/** Verifies one guarantee on the history of one group. */
interface GuaranteeCheck {

    void check(GroupHistory history, ViolationCollector violations);
}
