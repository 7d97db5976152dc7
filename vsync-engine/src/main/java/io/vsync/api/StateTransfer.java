package io.vsync.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * How a group's application state reaches a joining member: an existing member writes a
 * checkpoint at the exact point where the joiner is admitted (after every message of the
 * previous view, before any of the new one), and the joiner loads it before its first
 * delivery. The state is streamed, so it need not fit in memory twice.
 */
public interface StateTransfer {

    /** At an existing member, on its delivery thread: write the current state. */
    void write(OutputStream out) throws IOException;

    /** At the joiner, on its delivery thread, before any delivery: load the state. */
    void read(InputStream in) throws IOException;
}
