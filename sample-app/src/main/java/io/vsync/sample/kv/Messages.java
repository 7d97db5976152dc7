package io.vsync.sample.kv;

import java.util.Map;

/**
 * What the replicas of group {@value KvReplica#GROUP} send each other. Every payload is a
 * top-level or static record: the starter's codec writes the class name and Jackson rebuilds it.
 */
final class Messages {

    private Messages() {
    }

    /** Sets {@code key} to {@code value}; multicast with {@code orderedSend}. */
    record Put(String key, String value, String requestId) {
    }

    /** Removes {@code key}; multicast with {@code orderedSend}. */
    record Delete(String key, String requestId) {
    }

    /** A majority read: delivered in the group's total order, answered by every member. */
    record Read(String key) {
    }

    /**
     * One member's answer to a {@link Read}.
     *
     * @param position how many updates this member had applied when it answered: equal at every
     *                 member, because the read is delivered at the same point of the order
     */
    record ReadReply(String key, boolean present, String value, long version, long position) {
    }

    /** The state a joiner receives: every entry and the position in the order it was taken at. */
    record Snapshot(long position, Map<String, KvStore.Entry> entries) {
    }
}
