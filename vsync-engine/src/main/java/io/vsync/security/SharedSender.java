package io.vsync.security;

import io.vsync.codec.EncodedFrame;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The sending half of {@link Wire#GROUP_SHARED}: multicasts sealed once for all receivers under
 * this process's K_sv of the view, and the batching thread's pending {@link SharedBatch}.
 *
 * <p>A multicast goes shared to every peer ready for it: its session is up, nothing waits on
 * it (sender order), and it is known to hold the view key (else it could not authenticate the
 * frame). The batching thread adds it to its batch instead when every peer is ready; anything
 * else that thread sends first seals the batch ({@link #flush}), so each peer still gets frames
 * in the order they were sent.
 *
 * <p>One lock (this object's) orders numbering and handing over, so counters reach every peer
 * in increasing order; it is taken before any session's lock.
 */
final class SharedSender {
    /** This process's K_sv per view and counters: known once the transport listens (start). */
    private SenderKeys ownKeys;
    private final SharedBatch pending;
    private final Function<String, TxSession> sessions;
    /** Hands one envelope to several peers (the inner transport encodes it once). */
    private final BiConsumer<List<String>, byte[]> out;
    private volatile Thread batchingThread;

    SharedSender(int maxBatchBytes, Function<String, TxSession> sessions, BiConsumer<List<String>, byte[]> out) {
        this.pending = new SharedBatch(maxBatchBytes);
        this.sessions = sessions;
        this.out = out;
    }

    /** From the transport's start: this process's sender keys, bound to the address it listens on. */
    synchronized void start(SenderKeys keys) {
        ownKeys = keys;
    }

    /** The calling thread becomes the batching sender: its multicasts wait for {@link #flush}. */
    void batchSendsOf(Thread thread) {
        batchingThread = thread;
    }

    private boolean onBatchingThread() {
        return Thread.currentThread() == batchingThread;
    }

    /** Seals and hands over the batching thread's pending multicasts, if this is that thread and it has any. */
    void flush() {
        if (!onBatchingThread()) {
            return;
        }
        synchronized (this) {
            if (!pending.isEmpty()) {
                List<String> peers = pending.peers();
                out.accept(peers, pending.seal());
            }
        }
    }

    /**
     * Adds a multicast to the batching thread's pending batch when it goes to the same peers of
     * the same view as the batch: encoded straight into it, without the readiness checks that
     * admitted the batch's first message (only this thread's own sends could change what they
     * found, and those seal the batch first).
     *
     * @return false when it does not continue the batch (nothing was done), as on any other thread
     */
    boolean continueBatch(String group, long viewId, Collection<String> to, EncodedFrame frame, int len) {
        if (!onBatchingThread()) {
            return false;
        }
        synchronized (this) {
            if (!pending.continues(group, viewId, to, len)) {
                return false;
            }
            pending.append(frame, len);
            return true;
        }
    }

    /**
     * Sends a multicast shared to the peers ready for it, or adds it to the batch.
     *
     * @param body the encoded frame at {@code body[4..4+len)}, with room for a record header before it
     * @return the peers it was not sent to, which get a frame of their own session
     */
    Collection<String> send(String group, byte[] groupUtf8, long viewId, Collection<String> to, byte[] body, int len) {
        boolean batching = onBatchingThread();
        synchronized (this) {
            SenderKeys.SenderKey key = ownKeys.get(group, viewId);
            if (key == null) {
                flush();
                return to; // the per-session path queues them until the key is here
            }
            List<String> ready = new ArrayList<>(to.size());
            List<String> rest = null;
            for (String peer : to) {
                TxSession s = sessions.apply(peer);
                boolean ok;
                synchronized (s) {
                    ok = s.readyForShared(group, viewId);
                }
                if (ok) {
                    ready.add(peer);
                } else {
                    if (rest == null) {
                        rest = new ArrayList<>(to.size());
                    }
                    rest.add(peer);
                }
            }
            if (batching && rest == null) {
                if (!pending.continues(group, viewId, ready, len)) {
                    flush();
                    pending.start(group, groupUtf8, viewId, ready, key);
                }
                pending.append(body, SharedBatch.RECORD_HEADER, len);
                return List.of();
            }
            flush();
            if (ready.isEmpty()) {
                return to;
            }
            SharedBatch.putLength(body, 0, len);
            out.accept(ready, SharedBatch.envelope(groupUtf8, viewId, ++key.counter, key, body, 0,
                    SharedBatch.RECORD_HEADER + len));
            return rest == null ? List.of() : rest;
        }
    }

    /** Seals {@code plain} under this process's K_sv of the view with its next counter (tests only). */
    byte[] sealForTest(byte[] groupUtf8, String group, long viewId, byte[] plain) {
        synchronized (this) {
            SenderKeys.SenderKey key = ownKeys.get(group, viewId);
            if (key == null) {
                throw new IllegalStateException("no key for view " + viewId);
            }
            return SharedBatch.envelope(groupUtf8, viewId, ++key.counter, key, plain, 0, plain.length);
        }
    }
}
