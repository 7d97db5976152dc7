package io.vsync.transport;

import static org.assertj.core.api.Assertions.fail;

import io.vsync.message.ProtocolMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Records every transport callback, for tests to wait on. */
class RecordingListener implements TransportListener {
    record Received(String from, ProtocolMessage message) {
    }

    private final List<Received> messages = new ArrayList<>();
    private final List<String> unreachable = new ArrayList<>();
    private final List<String> lost = new ArrayList<>();

    @Override
    public synchronized void onMessage(String fromAddress, ProtocolMessage message) {
        messages.add(new Received(fromAddress, message));
    }

    @Override
    public synchronized void onPeerUnreachable(String address) {
        unreachable.add(address);
    }

    @Override
    public synchronized void onConnectionLost(String address) {
        lost.add(address);
    }

    synchronized List<Received> messages() {
        return new ArrayList<>(messages);
    }

    synchronized List<ProtocolMessage> messagesFrom(String address) {
        return messages.stream().filter(r -> r.from().equals(address)).map(Received::message).toList();
    }

    synchronized List<String> unreachable() {
        return new ArrayList<>(unreachable);
    }

    synchronized List<String> lost() {
        return new ArrayList<>(lost);
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }
}
