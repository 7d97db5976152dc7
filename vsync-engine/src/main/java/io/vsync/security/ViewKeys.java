package io.vsync.security;

import io.vsync.api.MemberId;
import io.vsync.message.Commit;
import io.vsync.message.Decision;
import io.vsync.transport.RateLimitedLog;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * View-key management: who makes a view's key (the new view's leader, on the Commit), who
 * receives it (the members of that view only, wrapped under a pairwise X25519 key inside their
 * session), and asking for a key that has not arrived. See "Encryption with per-view keys" in
 * docs/security.md. Thread-safe; never takes a session lock while holding another.
 */
final class ViewKeys {
    private static final System.Logger LOG = System.getLogger(SecureTransport.class.getName());
    private static final long KEY_REQUEST_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final SecureTransport owner;
    private final GroupKeys groupKeys;
    private final ClusterKeys keys;
    private final SecurityCounters stats;
    private final RateLimitedLog log;
    private final SecureRandom random;
    private final Map<String, Want> wanted = new ConcurrentHashMap<>();

    ViewKeys(SecureTransport owner, GroupKeys groupKeys, ClusterKeys keys, SecurityCounters stats,
             RateLimitedLog log, SecureRandom random) {
        this.owner = owner;
        this.groupKeys = groupKeys;
        this.keys = keys;
        this.stats = stats;
        this.log = log;
        this.random = random;
    }

    /** A Commit going out or coming in: learn the new view's members; its leader makes the key. */
    void observeCommit(Commit commit, Collection<String> recipients) {
        Decision d = commit.decision();
        if (d == null || d.members().isEmpty()) {
            return;
        }
        String group = commit.group();
        long viewId = d.newViewId();
        String self = owner.localAddress();
        Set<String> members = new HashSet<>();
        for (MemberId m : d.members()) {
            members.add(m.address());
        }
        groupKeys.members(group, viewId, members);
        boolean generated = false;
        if (d.members().get(0).address().equals(self) && !groupKeys.hasKey(group, viewId)) {
            byte[] key = new byte[Crypto.KEY_BYTES];
            random.nextBytes(key);
            generated = groupKeys.putKey(group, viewId, key);
            Crypto.wipe(key);
            if (generated) {
                stats.viewKeysCreated.increment();
                keyArrived();
            }
        }
        if (!groupKeys.hasKey(group, viewId)) {
            return;
        }
        Set<String> to = new HashSet<>();
        if (generated) {
            to.addAll(members);
        }
        if (recipients != null) {
            for (String r : recipients) {
                if (members.contains(r)) {
                    to.add(r);
                }
            }
        }
        to.remove(self);
        for (String address : to) {
            grant(address, group, viewId);
        }
    }

    /** Queues the view key for {@code to}; it goes out before anything sent after this call. */
    void grant(String to, String group, long viewId) {
        TxSession s = owner.session(to);
        synchronized (s) {
            s.grants.add(new SessionCipher.GroupView(group, viewId));
            s.pump(System.nanoTime());
        }
    }

    /** Wraps the view key for the session's peer and sends it; runs under the session's lock. */
    void sendGrant(TxSession s, String group, long viewId) {
        byte[] key = groupKeys.key(group, viewId);
        if (key == null) {
            return;
        }
        String self = owner.localAddress();
        try {
            byte[] wrapNonce = new byte[Crypto.NONCE_BYTES];
            random.nextBytes(wrapNonce);
            Cipher c = Crypto.threadGcm();
            c.init(Cipher.ENCRYPT_MODE, Crypto.aesKey(keys.wrapKey(self, s.peer, s.peerPublic)),
                    new GCMParameterSpec(128, wrapNonce));
            c.updateAAD(grantAad(group, viewId, self, s.peer));
            byte[] wrapped = c.doFinal(key);
            byte[] plain = new Bin.Writer(128).string(group).i64(viewId).bytes(wrapNonce).bytes(wrapped).toBytes();
            s.writeLink(Wire.K_KEY_GRANT, plain, 0, plain.length);
            s.notePeerHolds(group, viewId); // it reads the grant before anything sent after it
        } catch (GeneralSecurityException e) {
            LOG.log(Level.WARNING, "cannot wrap a view key for " + s.peer + ": " + e.getClass().getSimpleName());
        } finally {
            Crypto.wipe(key);
        }
    }

    private static byte[] grantAad(String group, long viewId, String from, String to) {
        return new Bin.Writer(128).bytes("vsync key grant".getBytes(StandardCharsets.UTF_8)).string(group)
                .i64(viewId).string(from).string(to).toBytes();
    }

    /** A grant arrived on an authentic session from {@code from}; returns true when a new key was stored. */
    boolean onGrant(String from, byte[] peerPublic, byte[] plain, int off, int end) throws Bin.BadEnvelope {
        Bin.Reader r = new Bin.Reader(plain, off, end);
        String group = r.string("group");
        long viewId = r.i64();
        byte[] wrapNonce = r.bytes(Crypto.NONCE_BYTES, "wrap nonce");
        byte[] wrapped = r.bytes(Crypto.KEY_BYTES + Crypto.TAG_BYTES, "wrapped key");
        r.expectEnd();
        String self = owner.localAddress();
        byte[] key;
        try {
            Cipher c = Crypto.threadGcm();
            c.init(Cipher.DECRYPT_MODE, Crypto.aesKey(keys.wrapKey(self, from, peerPublic)),
                    new GCMParameterSpec(128, wrapNonce));
            c.updateAAD(grantAad(group, viewId, from, self));
            key = c.doFinal(wrapped);
        } catch (GeneralSecurityException e) {
            stats.undecryptable.increment();
            log.log(Level.WARNING, "bad-grant", from, "dropped a view key from {0} that does not unwrap", from);
            return false;
        }
        boolean stored = groupKeys.putKey(group, viewId, key);
        Crypto.wipe(key);
        if (stored) {
            stats.viewKeysReceived.increment();
            keyArrived();
        }
        return stored;
    }

    /** A member asks for a view's key: granted only to members of that view. */
    void onKeyRequest(String from, byte[] plain, int off, int end) throws Bin.BadEnvelope {
        Bin.Reader r = new Bin.Reader(plain, off, end);
        String group = r.string("group");
        long viewId = r.i64();
        r.expectEnd();
        if (!groupKeys.hasKey(group, viewId)) {
            return; // we cannot help
        }
        Set<String> members = groupKeys.members(group, viewId);
        if (members == null || !members.contains(from)) {
            stats.keyRequestsRefused.increment();
            log.log(Level.WARNING, "key-refused", from, "refused the key of view {0} of group {1} to {2}: it is not "
                    + "a member of that view", viewId, group, from);
            return;
        }
        grant(from, group, viewId);
    }

    /** A wanted view key: who to ask, since when, when last asked. */
    private static final class Want {
        final String group;
        final long viewId;
        final String peer;
        final long since;
        long lastAsked = Long.MIN_VALUE / 2;

        Want(String group, long viewId, String peer, long since) {
            this.group = group;
            this.viewId = viewId;
            this.peer = peer;
            this.since = since;
        }
    }

    /**
     * Notes that the key of a view is wanted, to be asked of {@code peer} and of the view's
     * members when known. Only notes it: the requests go out from {@link #askForKeys()}, which
     * runs holding no session lock (a session lock must never be taken while holding another).
     */
    void requestKey(String group, long viewId, String peer) {
        if (groupKeys.hasKey(group, viewId)) {
            return;
        }
        wanted.putIfAbsent(group + '/' + viewId + '/' + peer, new Want(group, viewId, peer, System.nanoTime()));
    }

    /** Sends the key requests that are due, at most one per wanted key per 100 ms. Hold no session lock. */
    void askForKeys() {
        if (wanted.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        String self = owner.localAddress();
        for (Map.Entry<String, Want> e : wanted.entrySet()) {
            Want w = e.getValue();
            if (groupKeys.hasKey(w.group, w.viewId) || now - w.since > TxSession.WAIT_LIMIT_NANOS) {
                wanted.remove(e.getKey(), w);
                continue;
            }
            if (now - w.lastAsked < KEY_REQUEST_INTERVAL_NANOS) {
                continue;
            }
            w.lastAsked = now;
            Set<String> targets = new HashSet<>();
            targets.add(w.peer);
            Set<String> members = groupKeys.members(w.group, w.viewId);
            if (members != null) {
                targets.addAll(members);
            }
            targets.remove(self);
            byte[] plain = new Bin.Writer(64).string(w.group).i64(w.viewId).toBytes();
            for (String target : targets) {
                TxSession s = owner.session(target);
                synchronized (s) {
                    if (s.established) {
                        s.writeLink(Wire.K_KEY_REQUEST, plain, 0, plain.length);
                    }
                }
            }
        }
    }

    /** A view key became known: what waits for it can go. */
    private void keyArrived() {
        owner.keyArrived();
    }
}
