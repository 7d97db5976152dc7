package io.vsync.sample.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vsync.sample.kv.Messages.Delete;
import io.vsync.sample.kv.Messages.Put;
import io.vsync.sample.kv.Messages.ReadReply;
import io.vsync.sample.kv.Messages.Snapshot;

class KvStoreTest {

    private final KvStore store = new KvStore();

    @Test
    void everyUpdateAdvancesThePositionAndVersionsTheEntry() {
        KvStore.Outcome first = this.store.apply(new Put("a", "1", "r1"));
        KvStore.Outcome second = this.store.apply(new Put("a", "2", "r2"));
        KvStore.Outcome missing = this.store.apply(new Delete("b", "r3"));

        assertThat(first).isEqualTo(new KvStore.Outcome("a", false, null, 1));
        assertThat(second).isEqualTo(new KvStore.Outcome("a", true, "1", 2));
        assertThat(missing).isEqualTo(new KvStore.Outcome("b", false, null, 3));
        assertThat(this.store.position()).isEqualTo(3);
        assertThat(this.store.get("a")).isEqualTo(new KvStore.Entry("2", 2));
    }

    @Test
    void deleteRemovesTheKey() {
        this.store.apply(new Put("a", "1", "r1"));
        KvStore.Outcome deleted = this.store.apply(new Delete("a", "r2"));

        assertThat(deleted).isEqualTo(new KvStore.Outcome("a", true, "1", 2));
        assertThat(this.store.get("a")).isNull();
        assertThat(this.store.values()).isEmpty();
    }

    @Test
    void readsAnswerWithTheEntryAndThePosition() {
        this.store.apply(new Put("a", "x", "r1"));
        this.store.apply(new Put("b", "y", "r2"));

        assertThat(this.store.read("a")).isEqualTo(new ReadReply("a", true, "x", 1, 2));
        assertThat(this.store.read("zz")).isEqualTo(new ReadReply("zz", false, null, 0, 2));
    }

    @Test
    void theWholeMapIsSortedByKey() {
        this.store.apply(new Put("b", "2", "r1"));
        this.store.apply(new Put("a", "1", "r2"));
        this.store.apply(new Put("c", "", "r3"));

        assertThat(this.store.values()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"), Map.entry("c", ""));
    }

    @Test
    void aRestoredSnapshotContinuesTheSameOrder() {
        this.store.apply(new Put("a", "1", "r1"));
        this.store.apply(new Put("b", "2", "r2"));
        Snapshot snapshot = this.store.snapshot();
        this.store.apply(new Put("c", "3", "r3"));   // after the snapshot: not in it

        KvStore joiner = new KvStore();
        joiner.apply(new Put("stale", "x", "r0"));   // a rejoining replica's old state is replaced
        joiner.restore(snapshot);

        assertThat(joiner.values()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
        assertThat(joiner.position()).isEqualTo(2);
        assertThat(joiner.apply(new Put("c", "3", "r3"))).isEqualTo(new KvStore.Outcome("c", false, null, 3));
        assertThat(joiner.values()).isEqualTo(this.store.values());
    }
}
