package io.vsync.sample.kv;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.vsync.sample.kv.Messages.Delete;
import io.vsync.sample.kv.Messages.Put;
import io.vsync.sample.kv.Messages.ReadReply;
import io.vsync.sample.kv.Messages.Snapshot;

/**
 * The replicated map: a deterministic state machine. Every replica applies the same updates in
 * the same order (they arrive by {@code orderedSend}), so every replica holds the same map at the
 * same {@link #position()}.
 *
 * <p>Only the group's delivery thread changes it (updates, state loading); HTTP threads read it
 * concurrently.
 */
public final class KvStore {

    /**
     * A value and the position in the order of the update that wrote it.
     *
     * @param version the store's position right after the write: equal at every replica
     */
    public record Entry(String value, long version) {
    }

    /** What an update did here; the same at every replica. */
    public record Outcome(String key, boolean existed, String previous, long version) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    private volatile long position;

    /** Updates applied so far (by this replica or, before it joined, by the one it got its state from). */
    public long position() {
        return this.position;
    }

    public Entry get(String key) {
        return this.entries.get(key);
    }

    public int size() {
        return this.entries.size();
    }

    /** The whole map, sorted by key. */
    public SortedMap<String, String> values() {
        SortedMap<String, String> result = new TreeMap<>();
        this.entries.forEach((key, entry) -> result.put(key, entry.value()));
        return result;
    }

    Outcome apply(Put put) {
        long version = this.position + 1;
        Entry previous = this.entries.put(put.key(), new Entry(put.value(), version));
        this.position = version;
        return new Outcome(put.key(), previous != null, previous != null ? previous.value() : null, version);
    }

    Outcome apply(Delete delete) {
        long version = this.position + 1;
        Entry previous = this.entries.remove(delete.key());
        this.position = version;
        return new Outcome(delete.key(), previous != null, previous != null ? previous.value() : null, version);
    }

    ReadReply read(String key) {
        Entry entry = this.entries.get(key);
        return (entry != null) ? new ReadReply(key, true, entry.value(), entry.version(), this.position)
                : new ReadReply(key, false, null, 0, this.position);
    }

    Snapshot snapshot() {
        return new Snapshot(this.position, new TreeMap<>(this.entries));
    }

    void restore(Snapshot snapshot) {
        this.entries.clear();
        this.entries.putAll(snapshot.entries());
        this.position = snapshot.position();
    }
}
