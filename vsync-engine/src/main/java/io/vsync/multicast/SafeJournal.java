package io.vsync.multicast;

import io.vsync.durability.SafeRecord;

/**
 * Where {@link ViewStreams} sends what must be on disk before it may acknowledge it, when the
 * group has a safeSend log. Tickets grow by one per record; the driver reports the highest
 * durable ticket back ({@link ViewStreams#onPersisted}), in order.
 */
public interface SafeJournal {

    /** @return the record's ticket */
    long persist(SafeRecord record);
}
