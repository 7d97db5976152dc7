package io.vsync.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.fail;

import io.vsync.message.Heartbeat;
import io.vsync.message.ProtocolMessage;
import io.vsync.transport.Transport;
import io.vsync.transport.TransportConfig;
import io.vsync.transport.TransportListener;
import java.io.IOException;
import java.net.BindException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemoryNetworkTest {

    private final InMemoryNetwork network = new InMemoryNetwork(7);

    @AfterEach
    void close() {
        network.close();
    }

    /** Records callbacks and the threads they ran on. */
    static final class Recorder implements TransportListener {
        final List<String> events = new ArrayList<>();
        final List<String> threads = new ArrayList<>();

        @Override
        public synchronized void onMessage(String fromAddress, ProtocolMessage message) {
            events.add("message " + fromAddress + " " + ((Heartbeat) message).incarnation());
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public synchronized void onPeerUnreachable(String address) {
            events.add("unreachable " + address);
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public synchronized void onConnectionLost(String address) {
            events.add("lost " + address);
            threads.add(Thread.currentThread().getName());
        }

        synchronized List<String> events() {
            return new ArrayList<>(events);
        }

        synchronized long count(String prefix) {
            return events.stream().filter(e -> e.startsWith(prefix)).count();
        }

        synchronized List<String> threads() {
            return new ArrayList<>(threads);
        }
    }

    private Transport start(Recorder recorder) throws IOException {
        return start(recorder, TransportConfig.of("127.0.0.1", 0));
    }

    private Transport start(Recorder recorder, TransportConfig config) throws IOException {
        Transport transport = network.transport(config, recorder);
        transport.start();
        return transport;
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
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

    @Test
    void framesArriveInOrderOnTheReceiversNetworkThread() throws Exception {
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        Transport a = start(ra);
        Transport b = start(rb);
        assertThat(a.localAddress()).isEqualTo("127.0.0.1:" + InMemoryNetwork.FIRST_PORT);
        assertThat(b.localAddress()).isEqualTo("127.0.0.1:" + (InMemoryNetwork.FIRST_PORT + 1));
        for (int i = 0; i < 1000; i++) {
            a.send(b.localAddress(), new Heartbeat(i));
        }
        await("1000 frames", () -> rb.count("message") == 1000);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            expected.add("message " + a.localAddress() + " " + i);
        }
        assertThat(rb.events()).isEqualTo(expected);
        assertThat(rb.threads()).allMatch(name -> name.equals("vsync-mem-" + b.localAddress()));
        assertThat(a.stats().framesOut()).isEqualTo(1000);
        assertThat(b.stats().framesIn()).isEqualTo(1000);
        assertThat(b.stats().bytesIn()).isEqualTo(a.stats().bytesOut()).isPositive();
        assertThat(a.stats().openConnections()).isEqualTo(1);
        assertThat(b.stats().openConnections()).isEqualTo(1);
        assertThat(ra.events()).isEmpty();
    }

    @Test
    void sendToSeveralPeers() throws Exception {
        Recorder rb = new Recorder();
        Recorder rc = new Recorder();
        Transport a = start(new Recorder());
        Transport b = start(rb);
        Transport c = start(rc);
        a.send(List.of(b.localAddress(), c.localAddress()), new Heartbeat(5));
        await("both", () -> rb.count("message") == 1 && rc.count("message") == 1);
    }

    @Test
    void addressesAreTakenOnceAndFreedByACrash() throws Exception {
        Transport a = start(new Recorder(), TransportConfig.of("127.0.0.1", 7800));
        assertThat(a.localAddress()).isEqualTo("127.0.0.1:7800");
        Transport other = network.transport(TransportConfig.of("127.0.0.1", 7800), new Recorder());
        assertThatExceptionOfType(BindException.class).isThrownBy(other::start).withMessageContaining("127.0.0.1:7800");
        Transport elsewhere = start(new Recorder(), TransportConfig.of("10.0.0.1", 7800));
        assertThat(elsewhere.localAddress()).isEqualTo("10.0.0.1:7800");
        Transport advertised = start(new Recorder(), TransportConfig.of("0.0.0.0", 7800).withAdvertisedHost("10.0.0.2"));
        assertThat(advertised.localAddress()).isEqualTo("10.0.0.2:7800");

        network.crash("127.0.0.1:7800");
        assertThat(network.isCrashed("127.0.0.1:7800")).isTrue();
        Transport restarted = start(new Recorder(), TransportConfig.of("127.0.0.1", 7800));
        assertThat(network.isCrashed("127.0.0.1:7800")).isFalse();
        assertThat(network.addresses()).contains("127.0.0.1:7800");
        a.close(); // the crashed one's close does not free its successor's address
        assertThat(network.addresses()).contains("127.0.0.1:7800");
        restarted.close();
        assertThat(network.addresses()).doesNotContain("127.0.0.1:7800");
    }

    @Test
    void aCrashResetsConnectionsAndRefusesLaterSends() throws Exception {
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        Recorder rc = new Recorder();
        Transport a = start(ra, TransportConfig.of("127.0.0.1", 0).withReconnectBackoff(Duration.ofSeconds(30)));
        Transport b = start(rb);
        Transport c = start(rc);
        b.send(a.localAddress(), new Heartbeat(1));
        await("connected", () -> ra.count("message") == 1);

        network.crash(b.localAddress());
        // a had a connection from b: reset; c never talked to b: nothing
        await("reset", () -> ra.count("lost") == 1);
        assertThat(ra.events()).contains("lost " + b.localAddress());
        assertThat(rc.events()).isEmpty();
        // the crashed node sends nowhere and hears nothing
        b.send(a.localAddress(), new Heartbeat(2));
        a.send(b.localAddress(), new Heartbeat(3));
        a.send(b.localAddress(), new Heartbeat(4)); // within the backoff: dropped without a second report
        await("refused", () -> ra.count("unreachable") == 1);
        assertThat(ra.threads().get(ra.threads().size() - 1)).isEqualTo("vsync-mem-" + a.localAddress());
        c.send(a.localAddress(), new Heartbeat(5));
        await("c's frame", () -> ra.count("message") == 2);
        assertThat(ra.events()).containsExactly("message " + b.localAddress() + " 1", "lost " + b.localAddress(),
                "unreachable " + b.localAddress(), "message " + c.localAddress() + " 5");
        assertThat(rb.events()).isEmpty();
        assertThat(a.stats().droppedFrames()).isEqualTo(2);
    }

    @Test
    void refusedSendsAreReportedAgainAfterTheBackoff() throws Exception {
        Recorder ra = new Recorder();
        Transport a = start(ra, TransportConfig.of("127.0.0.1", 0).withReconnectBackoff(Duration.ofMillis(20)));
        a.send("127.0.0.1:9", new Heartbeat(1));
        await("first report", () -> ra.count("unreachable") == 1);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (ra.count("unreachable") < 2 && System.nanoTime() < deadline) {
            a.send("127.0.0.1:9", new Heartbeat(2));
            Thread.sleep(5);
        }
        assertThat(ra.count("unreachable")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aPartitionDropsFramesBetweenSidesUntilHealed() throws Exception {
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        Recorder rc = new Recorder();
        Transport a = start(ra);
        Transport b = start(rb);
        Transport c = start(rc);
        // c is on no side: it is with the rest (nobody here)
        network.partition(Set.of(a.localAddress()), Set.of(b.localAddress()));
        assertThat(network.isPartitioned(a.localAddress(), b.localAddress())).isTrue();
        assertThat(network.isPartitioned(a.localAddress(), c.localAddress())).isTrue();
        a.send(b.localAddress(), new Heartbeat(1));
        b.send(a.localAddress(), new Heartbeat(2));
        a.send(c.localAddress(), new Heartbeat(3));
        network.partition(Set.of(a.localAddress(), c.localAddress()));
        a.send(c.localAddress(), new Heartbeat(4));
        await("within a side", () -> rc.count("message") == 1);
        network.heal();
        a.send(b.localAddress(), new Heartbeat(5));
        await("after the heal", () -> rb.count("message") == 1);
        assertThat(rb.events()).containsExactly("message " + a.localAddress() + " 5");
        assertThat(rc.events()).containsExactly("message " + a.localAddress() + " 4");
        assertThat(ra.events()).isEmpty(); // nobody is told of a partition
        assertThatExceptionOfType(IllegalArgumentException.class)
            .isThrownBy(() -> network.partition(Set.of(a.localAddress()), Set.of(a.localAddress(), b.localAddress())));
    }

    @Test
    void dropProbabilityPerLinkAndDirection() throws Exception {
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        Transport a = start(ra);
        Transport b = start(rb);
        network.dropProbability(a.localAddress(), b.localAddress(), 1.0);
        for (int i = 0; i < 100; i++) {
            a.send(b.localAddress(), new Heartbeat(i));
            b.send(a.localAddress(), new Heartbeat(i));
        }
        await("b to a", () -> ra.count("message") == 100);
        assertThat(rb.events()).isEmpty();
        assertThat(a.stats().droppedFrames()).isEqualTo(100);

        network.heal();
        network.dropProbability(0.5);
        for (int i = 0; i < 1000; i++) {
            a.send(b.localAddress(), new Heartbeat(i));
        }
        a.send(List.of(), new Heartbeat(0));
        network.dropProbability(0);
        a.send(b.localAddress(), new Heartbeat(-1));
        await("the last frame", () -> rb.events().contains("message " + a.localAddress() + " -1"));
        assertThat(rb.count("message")).isBetween(350L, 650L);
        // what got through is still in order
        List<Long> numbers = rb.events().stream().map(e -> Long.parseLong(e.substring(e.lastIndexOf(' ') + 1))).toList();
        assertThat(numbers.subList(0, numbers.size() - 1)).isSorted();
        assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> network.dropProbability(1.5));
    }

    @Test
    void aClosedTransportCallsBackNoMoreAndItsPeersSeeTheClose() throws Exception {
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        Transport a = start(ra);
        Transport b = start(rb);
        a.send(b.localAddress(), new Heartbeat(1));
        await("connected", () -> rb.count("message") == 1);
        b.close();
        await("a sees the close", () -> ra.count("lost") == 1);
        a.send(b.localAddress(), new Heartbeat(2));
        await("refused", () -> ra.count("unreachable") == 1);
        assertThat(rb.events()).containsExactly("message " + a.localAddress() + " 1");
        assertThat(network.addresses()).containsExactly(a.localAddress());
        b.send(a.localAddress(), new Heartbeat(3)); // dropped, no exception
        assertThat(b.stats().droppedFrames()).isEqualTo(1);
    }

    @Test
    void sendBeforeStartIsAnError() {
        Transport a = network.transport(TransportConfig.of("127.0.0.1", 0), new Recorder());
        assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> a.send("127.0.0.1:1", new Heartbeat(1)));
        assertThatExceptionOfType(IllegalStateException.class).isThrownBy(a::localAddress);
    }

    @Test
    void crashOfAnUnknownAddressIsAnError() {
        assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> network.crash("127.0.0.1:1"))
            .withMessageContaining("no node at 127.0.0.1:1");
    }

    @Test
    void aClosedNetworkRefusesNewNodes() {
        network.close();
        Transport a = network.transport(TransportConfig.of("127.0.0.1", 0), new Recorder());
        assertThatExceptionOfType(IOException.class).isThrownBy(a::start);
    }
}
