package io.vsync.security;

/** One receiving session of a peer: its keys, the peer's process key, its replay rule. */
final class RxSession {
    final long sid;
    final SessionCipher cipher;
    final byte[] peerPublic;
    final ReplayGuard replay = new ReplayGuard();

    RxSession(long sid, SessionCipher cipher, byte[] peerPublic) {
        this.sid = sid;
        this.cipher = cipher;
        this.peerPublic = peerPublic;
    }
}
