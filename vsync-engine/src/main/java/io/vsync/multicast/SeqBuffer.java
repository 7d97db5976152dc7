package io.vsync.multicast;

/**
 * Items keyed by consecutive sequence numbers, held from {@link #base()} upwards in a growable
 * ring. Holes are allowed (a message can arrive before its predecessor); removal is always
 * from the low end, once everything below a point is no longer needed.
 */
public final class SeqBuffer<T> {

    /** How far beyond the base a sequence number may lie: a guard against absurd input. */
    public static final long MAX_AHEAD = 1L << 22;

    private Object[] items = new Object[16];
    private int head;
    private long base = 1;

    /** Lowest sequence number still held (or to come). */
    public long base() {
        return base;
    }

    /**
     * Stores the item unless it is below the base, already present, or absurdly far ahead.
     *
     * @return whether it was stored
     */
    public boolean put(long seq, T item) {
        if (seq < base || seq - base >= MAX_AHEAD) {
            return false;
        }
        int offset = (int) (seq - base);
        if (offset >= items.length) {
            grow(offset + 1);
        }
        int index = (head + offset) & (items.length - 1);
        if (items[index] != null) {
            return false;
        }
        items[index] = item;
        return true;
    }

    @SuppressWarnings("unchecked")
    public T get(long seq) {
        if (seq < base || seq - base >= items.length) {
            return null;
        }
        return (T) items[(head + (int) (seq - base)) & (items.length - 1)];
    }

    /** Forgets everything up to and including {@code seq}. */
    public void removeUpTo(long seq) {
        while (base <= seq) {
            items[head] = null;
            head = (head + 1) & (items.length - 1);
            base++;
        }
    }

    private void grow(int needed) {
        int capacity = items.length;
        while (capacity < needed) {
            capacity <<= 1;
        }
        Object[] grown = new Object[capacity];
        for (int i = 0; i < items.length; i++) {
            grown[i] = items[(head + i) & (items.length - 1)];
        }
        items = grown;
        head = 0;
    }
}
