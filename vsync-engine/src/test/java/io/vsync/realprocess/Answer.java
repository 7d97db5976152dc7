package io.vsync.realprocess;

/**
 * A member's reply to a {@link Probe}: its state (a {@link io.vsync.history.StateDigest}) just
 * before it delivered the request, which it names as {@code (asker, requestMsgNo)}.
 */
public record Answer(String asker, long requestMsgNo, long digest) {
}
