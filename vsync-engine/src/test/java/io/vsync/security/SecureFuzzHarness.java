package io.vsync.security;

import io.vsync.message.Heartbeat;
import java.util.List;

/**
 * For the Jazzer tests in {@code io.vsync.fuzz}: two secure transports over an in-memory wire,
 * a session and a view key established, and ways to put fuzzed bytes at each layer of the
 * receiver: the raw envelope, the plaintext behind a valid session tag, the body behind a valid
 * view-key tag. Fails (AssertionError) when the receiver hits an internal error or passes on
 * something it could not have authenticated.
 */
public final class SecureFuzzHarness {
    private final SecureFramePropertyTest.Pair pair;
    private int authenticFeeds;

    public SecureFuzzHarness() {
        try {
            pair = new SecureFramePropertyTest.Pair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        pair.a.send(List.of(pair.wireB.address),
                SecureTransportTest.commit("g", 2, pair.wireA.address, pair.wireB.address));
        pair.a.send(pair.wireB.address, new Heartbeat(1));
        pair.pump();
        if (pair.atB.messages.size() != 2 || !pair.b.holdsViewKey("g", 2)) {
            throw new IllegalStateException("harness did not set up: " + pair.atB.messages);
        }
    }

    /**
     * @param layer 0: raw envelope; 1: envelope behind a valid header; 2: link plaintext under a
     *              valid session tag; 3: group body under valid session and view-key tags; 4: the
     *              records of a shared envelope sealed under the sender's K_sv
     */
    public void feed(int layer, byte[] bytes) {
        int before = pair.atB.messages.size();
        switch (layer) {
            case 0 -> pair.wireB.listener.onMessage(pair.wireA.address, SecureFramePropertyTest.envelope(bytes));
            case 1 -> {
                byte[] framed = new byte[bytes.length + 2];
                framed[0] = SecureTransport.MAGIC;
                framed[1] = SecureTransport.VERSION;
                System.arraycopy(bytes, 0, framed, 2, bytes.length);
                pair.wireB.listener.onMessage(pair.wireA.address, SecureFramePropertyTest.envelope(framed));
            }
            case 2 -> {
                pair.a.sendLinkPlainForTest(pair.wireB.address, bytes);
                authenticFeeds++;
            }
            case 3 -> {
                pair.a.sendGroupBodyForTest(pair.wireB.address, "g", 2, bytes);
                authenticFeeds++;
            }
            default -> { // an authentic shared envelope of arbitrary records: reaches the record parser
                pair.wireB.listener.onMessage(pair.wireA.address,
                        SecureFramePropertyTest.envelope(pair.a.sealSharedForTest("g", 2, bytes)));
                authenticFeeds++;
            }
        }
        pair.pump();
        if (pair.b.internalErrors.get() != 0 || pair.a.internalErrors.get() != 0) {
            throw new AssertionError("the secure receiver hit an internal error (see the log)");
        }
        if (layer < 2 && pair.atB.messages.size() != before) {
            throw new AssertionError("an unauthenticated envelope was passed on: " + pair.atB.messages.get(before));
        }
        if (pair.atB.messages.size() > 10_000) {
            pair.atB.messages.clear();
        }
    }
}
