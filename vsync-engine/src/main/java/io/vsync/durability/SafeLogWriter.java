package io.vsync.durability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Appends one group's records. Used by one thread (the runtime's protocol thread): records
 * collect in memory during a batch of protocol work, and {@link #commit} writes them with one
 * system call and, by the {@link FsyncPolicy}, one fsync (group commit), before the core is
 * told they are durable.
 */
public final class SafeLogWriter implements AutoCloseable {

    private final SafeLogDirectory dir;
    private final FsyncPolicy policy;
    private final long segmentBytes;
    private final TreeMap<Long, Long> segmentMaxView;
    private FileChannel channel;
    private long segmentNo;
    private long segmentSize;
    private ByteBuffer pending = ByteBuffer.allocate(64 * 1024);
    private long lastForceMs;
    private boolean unforced;
    private long recordsSinceCheckpoint;
    private long bytesSinceCheckpoint;
    private long lastCheckpointId;
    /**
     * Test hook: skip the deletes after a compaction, as a crash between the rename of the new
     * segment and the deletes would.
     */
    boolean keepOldSegmentsForTest;

    /**
     * Opens a new segment after the existing ones (never appends to a file a crash may have
     * torn).
     *
     * @param existing what {@link SafeLogDirectory#read()} found
     */
    public SafeLogWriter(SafeLogDirectory dir, FsyncPolicy policy, long segmentBytes, SafeLogDirectory.Contents existing) {
        this.dir = dir;
        this.policy = policy;
        this.segmentBytes = segmentBytes;
        this.segmentMaxView = new TreeMap<>(existing.segmentMaxView());
        this.segmentNo = segmentMaxView.isEmpty() ? 0 : segmentMaxView.lastKey();
        for (SafeRecord r : existing.records()) {
            if (r instanceof SafeRecord.Checkpoint c) {
                lastCheckpointId = Math.max(lastCheckpointId, c.id());
            }
        }
        try {
            Files.createDirectories(dir.path());
        } catch (IOException e) {
            throw new SafeLogException("cannot create the safeSend log directory " + dir.path() + ": " + e.getMessage(), e);
        }
        dir.deleteTemporaries();
        roll();
    }

    /** Queues a record; it reaches the file at the next {@link #commit}. */
    public void append(SafeRecord record) {
        if (record instanceof SafeRecord.ViewInstalled && segmentSize + pending.position() > 0) {
            // A segment per view: truncation drops whole views, so whole files.
            commitBytes();
            roll();
        }
        byte[] bytes = SafeLogFormat.encode(record);
        if (pending.remaining() < bytes.length) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(pending.capacity() * 2, pending.position() + bytes.length));
            pending.flip();
            bigger.put(pending);
            pending = bigger;
        }
        pending.put(bytes);
        segmentMaxView.merge(segmentNo, record.viewId(), Math::max);
        recordsSinceCheckpoint++;
        bytesSinceCheckpoint += bytes.length;
    }

    /**
     * Writes what was appended and forces it to disk as the policy says.
     *
     * @return true when records were written (the caller may report them durable)
     */
    public boolean commit(long nowMs) {
        boolean wrote = commitBytes();
        if (wrote) {
            unforced = true;
        }
        boolean force;
        if (policy instanceof FsyncPolicy.Interval i) {
            force = unforced && nowMs - lastForceMs >= i.interval().toMillis();
        } else {
            force = wrote && policy instanceof FsyncPolicy.Always;
        }
        if (force) {
            try {
                channel.force(false);
            } catch (IOException e) {
                throw new SafeLogException("cannot fsync " + dir.segment(segmentNo) + ": " + e.getMessage(), e);
            }
            lastForceMs = nowMs;
            unforced = false;
        }
        if (segmentSize >= segmentBytes) {
            roll();
        }
        return wrote;
    }

    private boolean commitBytes() {
        if (pending.position() == 0) {
            return false;
        }
        pending.flip();
        try {
            while (pending.hasRemaining()) {
                segmentSize += channel.write(pending);
            }
        } catch (IOException e) {
            throw new SafeLogException("cannot write " + dir.segment(segmentNo) + ": " + e.getMessage(), e);
        }
        pending.clear();
        return true;
    }

    private void roll() {
        try {
            if (channel != null) {
                if (policy instanceof FsyncPolicy.Always || unforced && !(policy instanceof FsyncPolicy.Never)) {
                    channel.force(false);
                }
                channel.close();
            }
            segmentNo++;
            channel = FileChannel.open(dir.segment(segmentNo), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            segmentSize = 0;
            segmentMaxView.put(segmentNo, 0L);
        } catch (IOException e) {
            throw new SafeLogException("cannot open " + dir.segment(segmentNo) + ": " + e.getMessage(), e);
        }
    }

    /** Whether enough was logged since the last checkpoint to take another. */
    public boolean checkpointDue(long everyRecords, long everyBytes) {
        return recordsSinceCheckpoint >= everyRecords || bytesSinceCheckpoint >= everyBytes;
    }

    /** Stops {@link #checkpointDue} asking again while a checkpoint is being taken. */
    public void checkpointStarted() {
        recordsSinceCheckpoint = 0;
        bytesSinceCheckpoint = 0;
    }

    /**
     * Saves the application's state (durably, whatever the policy: a checkpoint replaces
     * records), logs the checkpoint, and drops the segments and states it makes useless: those
     * whose records all belong to earlier views, and, when the checkpoint is in the view being
     * logged, that view's own records it covers ({@link #compactView}).
     */
    public void checkpoint(long viewId, long covered, byte[] state) {
        long id = ++lastCheckpointId;
        Path target = dir.checkpoint(id);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(state);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        } catch (IOException e) {
            throw new SafeLogException("cannot write " + tmp + ": " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new SafeLogException("cannot rename " + tmp + ": " + e.getMessage(), e);
        }
        forceDirectory();
        append(new SafeRecord.Checkpoint(viewId, covered, id));
        commitBytes();
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new SafeLogException("cannot fsync " + dir.segment(segmentNo) + ": " + e.getMessage(), e);
        }
        unforced = false;
        for (Map.Entry<Long, Long> segment : Map.copyOf(segmentMaxView).entrySet()) {
            if (segment.getKey() != segmentNo && segment.getValue() < viewId) {
                delete(dir.segment(segment.getKey()));
                segmentMaxView.remove(segment.getKey());
            }
        }
        compactView(viewId, covered, id);
        for (long old = id - 1; old > 0 && dir.hasCheckpoint(old); old--) {
            delete(dir.checkpoint(old));
        }
    }

    /**
     * Bounds a view that never ends: rewrites the view's segments as one new segment holding
     * only what recovery still needs after the checkpoint (its ViewInstalled, the checkpoint,
     * a {@link SafeRecord.Compacted} marker, the data of the messages not covered, the order
     * information for them; {@link SafeHistory#compaction}), then deletes the old segments.
     *
     * <p>Crash safety, step by step. The checkpoint's state and record are durable before this
     * starts, so the old segments alone already recover to the right history. The new segment
     * is written under a temporary name, fsynced, renamed and the directory fsynced: a crash
     * before the rename leaves a {@code .tmp} file recovery ignores (and the next writer
     * deletes), so the old log stands; the rename makes the whole segment appear at once, never
     * a partial one that would drop records. A crash after it and before (or during) the
     * deletes leaves old and new segments together: the marker comes after every old record (a
     * higher segment number) and tells {@link SafeHistory} to discard everything of the view
     * logged before it, so the history is the same and nothing is replayed twice. Only then are
     * the old segments deleted, and new records go to a fresh segment after the new one.
     */
    private void compactView(long viewId, long covered, long checkpointId) {
        if (covered <= 0 || segmentMaxView.isEmpty() || Collections.max(segmentMaxView.values()) != viewId) {
            // Not the view being logged (or nothing covered): a later checkpoint drops it whole.
            return;
        }
        List<SafeRecord> records = new ArrayList<>();
        SafeRecord.ViewInstalled installed = null;
        for (Long n : segmentMaxView.keySet()) {
            Path file = dir.segment(n);
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new SafeLogException("cannot read " + file + ": " + e.getMessage(), e);
            }
            for (SafeRecord r : SafeLogFormat.decodeAll(file.toString(), ByteBuffer.wrap(bytes)).records()) {
                records.add(r);
                if (r instanceof SafeRecord.ViewInstalled v && v.viewId() == viewId) {
                    installed = v;
                }
            }
        }
        if (installed == null) {
            return;
        }
        Optional<List<SafeRecord>> kept = SafeHistory.compaction(records, viewId, covered);
        if (kept.isEmpty()) {
            return;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(SafeLogFormat.encode(installed));
        bytes.writeBytes(SafeLogFormat.encode(new SafeRecord.Checkpoint(viewId, covered, checkpointId)));
        for (SafeRecord r : kept.get()) {
            bytes.writeBytes(SafeLogFormat.encode(r));
        }
        try {
            channel.close();
        } catch (IOException e) {
            throw new SafeLogException("cannot close " + dir.segment(segmentNo) + ": " + e.getMessage(), e);
        }
        long compactedNo = segmentNo + 1;
        Path target = dir.segment(compactedNo);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray());
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        } catch (IOException e) {
            throw new SafeLogException("cannot write " + tmp + ": " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SafeLogException("cannot rename " + tmp + ": " + e.getMessage(), e);
        }
        forceDirectory();
        if (!keepOldSegmentsForTest) {
            for (Long n : List.copyOf(segmentMaxView.keySet())) {
                delete(dir.segment(n));
                segmentMaxView.remove(n);
            }
        }
        segmentMaxView.put(compactedNo, viewId);
        segmentNo = compactedNo;
        channel = null;
        roll();
    }

    /** Makes creations, renames and deletes in the directory durable (where the platform can). */
    private void forceDirectory() {
        try (FileChannel d = FileChannel.open(dir.path(), StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory; their file systems order these themselves.
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new SafeLogException("cannot delete " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            commitBytes();
            if (!(policy instanceof FsyncPolicy.Never)) {
                channel.force(false);
            }
            channel.close();
        } catch (IOException e) {
            throw new SafeLogException("cannot close " + dir.segment(segmentNo) + ": " + e.getMessage(), e);
        }
    }
}
