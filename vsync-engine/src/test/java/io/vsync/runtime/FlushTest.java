package io.vsync.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.vsync.api.DeliveryInfo;
import io.vsync.api.Group;
import io.vsync.api.VsyncEngine;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** flush() over real engines on loopback: what it covers, and the one way it must not be used. */
class FlushTest {

    record Note(String text) {
    }

    private final List<VsyncEngine> engines = new ArrayList<>();

    @AfterEach
    void closeAll() {
        engines.forEach(VsyncEngine::close);
    }

    @Test
    void aFlushCoversEverySendThatReturnedBeforeItWhicheverThreadSentIt() throws Exception {
        List<Group> groups = cluster(2);
        groups.forEach(g -> g.handle(Note.class, (Note note, DeliveryInfo info) -> { }));
        Group a = groups.get(0);
        for (int round = 0; round < 300; round++) {
            CyclicBarrier start = new CyclicBarrier(2);
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            Thread other = new Thread(() -> {
                await(start);
                CompletableFuture<Void> f = a.send(new Note("other"));
                synchronized (sends) {
                    sends.add(f);
                }
            });
            other.start();
            await(start);
            CompletableFuture<Void> mine = a.send(new Note("mine"));
            other.join();
            CompletableFuture<Void> flushed = a.flush();
            flushed.get(10, TimeUnit.SECONDS);
            // Both sends returned before flush() was called: both must be stable, hence delivered here.
            assertThat(mine).as("round %d, this thread's send", round).isDone();
            synchronized (sends) {
                assertThat(sends.get(0)).as("round %d, the other thread's send", round).isDone();
            }
        }
    }

    @Test
    void waitingForAFlushInsideAHandlerThrowsInsteadOfHanging() throws Exception {
        List<Group> groups = cluster(2);
        Group a = groups.get(0);
        AtomicReference<Throwable> seen = new AtomicReference<>();
        CountDownLatch handled = new CountDownLatch(1);
        a.handle(Note.class, (Note note, DeliveryInfo info) -> {
            if (!note.text().equals("ask")) {
                return;
            }
            try {
                a.send(new Note("from the handler"));
                a.flush().get(5, TimeUnit.SECONDS);
            } catch (Throwable t) {
                seen.set(t);
            }
            handled.countDown();
        });
        a.send(new Note("ask"));
        assertThat(handled.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(seen.get()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inside one of the group's handlers");
        // Chaining instead of blocking works from the same place.
        a.flush().get(10, TimeUnit.SECONDS);
    }

    private List<Group> cluster(int n) throws Exception {
        List<String> addresses = freeAddresses(n);
        List<Group> groups = new ArrayList<>();
        for (String address : addresses) {
            int port = Integer.parseInt(address.substring(address.indexOf(':') + 1));
            VsyncEngine engine = VsyncEngine.builder().nodeName(address).bind("127.0.0.1", port).seeds(addresses)
                    .heartbeatInterval(Duration.ofMillis(50)).failureTimeout(Duration.ofSeconds(2)).build();
            engine.start();
            engines.add(engine);
            groups.add(engine.group("flush"));
        }
        List<CompletableFuture<?>> joins = new ArrayList<>();
        groups.forEach(g -> joins.add(g.joinAsync()));
        for (CompletableFuture<?> j : joins) {
            j.get(30, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!groups.stream().allMatch(g -> g.view() != null && g.view().size() == n)) {
            assertThat(System.nanoTime()).as("one view of %d", n).isLessThan(deadline);
            Thread.sleep(10);
        }
        return groups;
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> freeAddresses(int n) throws IOException {
        List<String> addresses = new ArrayList<>();
        List<ServerSocket> sockets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            sockets.add(socket);
            addresses.add("127.0.0.1:" + socket.getLocalPort());
        }
        for (ServerSocket socket : sockets) {
            socket.close();
        }
        return addresses;
    }
}
