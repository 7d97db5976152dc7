package io.vsync.durability;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A group's safeSend log: where it lives, when it is forced to disk, and how often the
 * application's state is saved so that older records can be dropped.
 *
 * @param directory              the log directory; the group's files go in a sub-directory named after it
 * @param fsync                  when writes are forced to the disk
 * @param checkpointEveryRecords save the state after this many records (needs a state transfer)
 * @param checkpointEveryBytes   ... or after this many bytes of records, whichever comes first
 */
public record SafeLogConfig(Path directory, FsyncPolicy fsync, long checkpointEveryRecords, long checkpointEveryBytes) {

    public static final long DEFAULT_CHECKPOINT_RECORDS = 100_000;
    public static final long DEFAULT_CHECKPOINT_BYTES = 64L * 1024 * 1024;

    public SafeLogConfig {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(fsync, "fsync");
        if (checkpointEveryRecords <= 0) {
            throw new IllegalArgumentException("checkpoint-every must be positive, got " + checkpointEveryRecords);
        }
        if (checkpointEveryBytes <= 0) {
            throw new IllegalArgumentException("checkpoint-every bytes must be positive, got " + checkpointEveryBytes);
        }
    }

    public static SafeLogConfig of(Path directory, FsyncPolicy fsync) {
        return new SafeLogConfig(directory, fsync, DEFAULT_CHECKPOINT_RECORDS, DEFAULT_CHECKPOINT_BYTES);
    }

    public SafeLogConfig withCheckpointEvery(long records, long bytes) {
        return new SafeLogConfig(directory, fsync, records, bytes);
    }
}
