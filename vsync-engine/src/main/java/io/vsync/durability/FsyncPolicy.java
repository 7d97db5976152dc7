package io.vsync.durability;

import java.time.Duration;
import java.util.Objects;

/**
 * When the safeSend log forces its writes to the disk. Records always reach the operating system
 * before this member acknowledges them, so a process crash ({@code kill -9}) loses nothing under
 * any policy; the policy decides what a power failure or kernel crash may lose.
 */
public sealed interface FsyncPolicy {

    /** fsync before acknowledging: once per batch of the protocol loop's work (group commit). */
    static FsyncPolicy always() {
        return Always.INSTANCE;
    }

    /** fsync at most every {@code interval}: a machine crash loses up to that much. */
    static FsyncPolicy interval(Duration interval) {
        return new Interval(interval);
    }

    /** Never fsync: the OS writes back when it likes; a machine crash may lose recent records. */
    static FsyncPolicy never() {
        return Never.INSTANCE;
    }

    /**
     * Parses {@code always}, {@code never} or {@code interval} (which needs {@code interval}).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    static FsyncPolicy parse(String text, Duration interval) {
        return switch (text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "always" -> always();
            case "never" -> never();
            case "interval" -> interval(interval == null ? Duration.ofMillis(100) : interval);
            default -> throw new IllegalArgumentException("fsync policy must be always, interval or never, got '"
                    + text + "'");
        };
    }

    enum Always implements FsyncPolicy { INSTANCE }

    enum Never implements FsyncPolicy { INSTANCE }

    record Interval(Duration interval) implements FsyncPolicy {
        public Interval {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("fsync interval must be positive, got " + interval);
            }
        }
    }
}
