package io.vsync.history;


import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes each event as one line of a history file (format: {@link HistoryLineFormat}), for
 * runs with real processes whose histories are checked after they end.
 *
 * <p>Output is buffered; call {@link #flush()} at points the test wants on disk. A process
 * killed with {@code kill -9} may leave a torn last line, which {@link HistoryFiles#read}
 * ignores. Thread-safe: calls are serialised, so each member's lines stay in local order.
 *
 * <p>The listener methods run on the engine's protocol thread and therefore never throw: the
 * first write failure is kept, later events are dropped, and {@link #flush()} and
 * {@link #close()} report it, so a run never passes the checker on a silently shortened file.
 */
public final class HistoryFileWriter implements HistoryEventListener, Closeable {

    private static final int BUFFER_CHARS = 64 * 1024;

    private final Path file;
    private final Writer out;
    private Exception failure;
    private boolean closed;

    private HistoryFileWriter(Path file, Writer out) {
        this.file = file;
        this.out = out;
    }

    /** Creates {@code file}, or empties it if it exists. */
    public static HistoryFileWriter create(Path file) throws IOException {
        return open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }

    /**
     * Appends to {@code file} (creating it if needed), e.g. for a restarted process. A torn
     * last line left by a killed writer is cut off first: appended after it, it would join the
     * first new line into one malformed line.
     */
    public static HistoryFileWriter append(Path file) throws IOException {
        if (Files.exists(file)) {
            cutTornLastLine(file);
        }
        return open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    private static HistoryFileWriter open(Path file, StandardOpenOption... options) throws IOException {
        Writer out = new BufferedWriter(
                new OutputStreamWriter(Files.newOutputStream(file, options), StandardCharsets.UTF_8), BUFFER_CHARS);
        return new HistoryFileWriter(file, out);
    }

    private static void cutTornLastLine(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long end = channel.size();
            ByteBuffer one = ByteBuffer.allocate(1);
            long keep = end;
            while (keep > 0) {
                one.clear();
                channel.read(one, keep - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                keep--;
            }
            if (keep < end) {
                channel.truncate(keep);
            }
        }
    }

    public Path file() {
        return file;
    }






    @Override
    public void record(HistoryEvent event) {
        write(event);
    }

    /**
     * Buffers one event's line. Events arriving after {@link #close()} (an engine still
     * shutting down) or after a failure are dropped.
     */
    public synchronized void write(HistoryEvent event) {
        if (closed || failure != null) {
            return;
        }
        try {
            String line = HistoryLineFormat.format(event);
            out.write(line);
            out.write('\n');
        } catch (IOException | IllegalArgumentException e) {
            failure = e;
        }
    }

    /** Pushes buffered lines to the file. */
    public synchronized void flush() throws IOException {
        throwIfFailed();
        if (!closed) {
            out.flush();
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        out.close();
        throwIfFailed();
    }

    private void throwIfFailed() throws IOException {
        if (failure != null) {
            throw new IOException("history file " + file + " is incomplete: an event could not be written", failure);
        }
    }
}
