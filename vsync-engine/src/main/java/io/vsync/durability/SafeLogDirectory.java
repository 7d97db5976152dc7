package io.vsync.durability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The files of one group's log: segments {@code seg-<n>.log} (append-only, a new one at every
 * start, at every view and when one grows past its size; at a checkpoint, the current view's
 * segments are replaced by one rewritten whole, under a {@code .tmp} name until complete) and
 * checkpoint states
 * {@code checkpoint-<id>.state} (written whole to a temporary name, then renamed).
 */
public final class SafeLogDirectory {

    private final Path dir;

    public SafeLogDirectory(Path root, String group) {
        this.dir = root.resolve(group);
    }

    public Path path() {
        return dir;
    }

    Path segment(long n) {
        return dir.resolve(String.format("seg-%012d.log", n));
    }

    Path checkpoint(long id) {
        return dir.resolve("checkpoint-" + id + ".state");
    }

    public boolean hasCheckpoint(long id) {
        return Files.isRegularFile(checkpoint(id));
    }

    public byte[] readCheckpoint(long id) {
        try {
            return Files.readAllBytes(checkpoint(id));
        } catch (IOException e) {
            throw new SafeLogException("cannot read " + checkpoint(id) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes the {@code .tmp} files a crash left half-written (a checkpoint state or a
     * compacted segment not yet renamed): recovery never reads them, and the writer rewrites
     * them from scratch.
     */
    void deleteTemporaries() {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if ((name.startsWith("seg-") || name.startsWith("checkpoint-")) && name.endsWith(".tmp")) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new SafeLogException("cannot clean " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Segment numbers present, ascending. */
    TreeMap<Long, Path> segments() {
        TreeMap<Long, Path> found = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                String name = p.getFileName().toString();
                if (name.startsWith("seg-") && name.endsWith(".log")) {
                    try {
                        found.put(Long.parseLong(name.substring(4, name.length() - 4)), p);
                    } catch (NumberFormatException ignored) {
                        // Not ours: left alone.
                    }
                }
            });
        } catch (IOException e) {
            throw new SafeLogException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return found;
    }

    /** The log's records in order, and each segment's highest view id (for truncation). */
    public record Contents(List<SafeRecord> records, TreeMap<Long, Long> segmentMaxView) {
    }

    /** Reads every segment; a torn tail (a write the crash cut short) is dropped. */
    public Contents read() {
        List<SafeRecord> records = new ArrayList<>();
        TreeMap<Long, Long> maxView = new TreeMap<>();
        for (var entry : segments().entrySet()) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(entry.getValue());
            } catch (IOException e) {
                throw new SafeLogException("cannot read " + entry.getValue() + ": " + e.getMessage(), e);
            }
            SafeLogFormat.Contents contents = SafeLogFormat.decodeAll(entry.getValue().toString(), ByteBuffer.wrap(bytes));
            long max = 0;
            for (SafeRecord r : contents.records()) {
                max = Math.max(max, r.viewId());
            }
            maxView.put(entry.getKey(), max);
            records.addAll(contents.records());
        }
        return new Contents(records, maxView);
    }

    /** The history this log holds. */
    public SafeHistory history(Contents contents) {
        return SafeHistory.of(contents.records(), this::hasCheckpoint);
    }
}
