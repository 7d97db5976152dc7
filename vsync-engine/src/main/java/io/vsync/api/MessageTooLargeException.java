package io.vsync.api;

/** A payload is larger than the configured maximum message size. */
public class MessageTooLargeException extends VsyncException {
    private final long size;
    private final long limit;

    public MessageTooLargeException(long size, long limit) {
        super("message of " + size + " bytes exceeds the maximum message size of " + limit
                + " bytes (vsync max-message-size)");
        this.size = size;
        this.limit = limit;
    }

    public long size() {
        return size;
    }

    public long limit() {
        return limit;
    }
}
