package io.vsync.sample.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Three instances of the built jar ({@code target/sample-app.jar}), each in its own JVM, on
 * loopback: the API across instances, a crash (SIGKILL) of one instance under writes with no
 * acknowledged write lost, its restart with state transfer, and a graceful stop.
 *
 * <p>Separate JVMs rather than three contexts in one: a SIGKILL is a real crash (sockets reset by
 * the kernel, no shutdown hook, nothing left behind in a shared heap), and the jar is tested
 * exactly as operators and {@code bin/sample-cluster} run it. On a 2-core CI machine each JVM is
 * capped ({@code -Xmx192m}, serial GC, C1 only) so that three start in well under a minute;
 * every wait is generous (the machine may be shared).
 * Runs in the {@code integration-test} phase (failsafe), after {@code package} built the jar.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KvClusterTest {

    private static final Duration START = Duration.ofSeconds(240);

    private static final Duration CONVERGE = Duration.ofSeconds(60);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path jar = Path.of(System.getProperty("kv.jar", "target/sample-app.jar"));

    private final Path logs = Path.of("target", "cluster-test");

    private final List<Instance> instances = new ArrayList<>();

    private String seeds;

    /** One instance: its ports, process and log. */
    final class Instance {

        final int number;

        final int httpPort;

        final int managementPort;

        final int groupPort;

        Process process;

        int starts;

        Instance(int number, int httpPort, int managementPort, int groupPort) {
            this.number = number;
            this.httpPort = httpPort;
            this.managementPort = managementPort;
            this.groupPort = groupPort;
        }

        String url(String path) {
            return "http://127.0.0.1:" + this.httpPort + path;
        }

        String management(String path) {
            return "http://127.0.0.1:" + this.managementPort + path;
        }

        Path log() {
            return KvClusterTest.this.logs.resolve("kv-" + this.number + "-" + this.starts + ".log");
        }

        void start() throws IOException {
            this.starts++;
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(java, "-Xmx192m", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-jar", KvClusterTest.this.jar.toString(),
                    "--server.port=" + this.httpPort, "--management.server.port=" + this.managementPort,
                    "--vsync.port=" + this.groupPort, "--vsync.bind-address=127.0.0.1",
                    "--vsync.seeds=" + KvClusterTest.this.seeds, "--vsync.node-name=kv-" + this.number,
                    // A shared 2-core machine can stall a JVM for over a second (three are starting):
                    // no false suspicions. A crash is still seen at once (the connection is refused).
                    "--vsync.failure-detection.timeout=3s",
                    // Past the engine's 30 s state-transfer timeout, after which a stalled joiner
                    // leaves and joins again: a slow start, not a failed one.
                    "--vsync.lifecycle.join-timeout=90s", "--spring.main.banner-mode=off");
            builder.redirectErrorStream(true).redirectOutput(log().toFile());
            this.process = builder.start();
        }

        void awaitReady(Duration timeout) throws Exception {
            boolean ready = TestSupport.eventually(timeout, () -> {
                if (!this.process.isAlive()) {
                    return true;
                }
                try {
                    return TestSupport.get(management("/actuator/health/readiness")).statusCode() == 200;
                }
                catch (IOException ex) {
                    return false;
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return true;
                }
            });
            if (!this.process.isAlive()) {
                fail("kv-" + this.number + " exited with " + this.process.exitValue() + " during startup; see " + log());
            }
            if (!ready) {
                fail("kv-" + this.number + " not ready within " + timeout + "; see " + log());
            }
        }

        JsonNode cluster() throws IOException, InterruptedException {
            return JSON.readTree(TestSupport.get(url("/cluster")).body());
        }

        Map<String, String> map() throws IOException, InterruptedException {
            HttpResponse<String> response = TestSupport.get(url("/kv"));
            assertThat(response.statusCode()).isEqualTo(200);
            Map<String, String> map = new TreeMap<>();
            JSON.readTree(response.body()).properties().forEach(e -> map.put(e.getKey(), e.getValue().asString()));
            return map;
        }

        /** The member ids of the view this instance is in, or an empty list. */
        List<String> members() {
            try {
                List<String> members = new ArrayList<>();
                cluster().path("members").forEach(m -> members.add(m.path("id").asString()));
                return members;
            }
            catch (IOException ex) {
                return List.of();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }

        String self() throws IOException, InterruptedException {
            return cluster().path("self").asString();
        }
    }

    @BeforeAll
    void startThree() throws Exception {
        assertThat(this.jar).as("the executable jar (built by 'package' before this test runs)").isRegularFile();
        Files.createDirectories(this.logs);
        int[] ports = TestSupport.freePorts(9);
        this.seeds = "127.0.0.1:" + ports[6] + ",127.0.0.1:" + ports[7] + ",127.0.0.1:" + ports[8];
        for (int i = 0; i < 3; i++) {
            this.instances.add(new Instance(i + 1, ports[i], ports[3 + i], ports[6 + i]));
        }
        // One after the other, each joined before the next starts: joins in quick succession
        // can stall a joiner's state transfer in this engine version (see bin/sample-cluster).
        for (Instance instance : this.instances) {
            instance.start();
            instance.awaitReady(START);
        }
    }

    @AfterAll
    void stopAll() {
        for (Instance instance : this.instances) {
            if (instance.process != null) {
                instance.process.destroyForcibly();
            }
        }
    }

    @Test
    @Order(1)
    void theThreeInstancesFormOneView() throws Exception {
        assertThat(TestSupport.eventually(CONVERGE, () -> this.instances.stream()
            .allMatch(i -> i.members().size() == 3))).as("every instance sees 3 members").isTrue();
        List<String> view = this.instances.get(0).members();
        for (Instance instance : this.instances) {
            assertThat(instance.members()).isEqualTo(view);
            assertThat(view).contains(instance.self());
        }
    }

    @Test
    @Order(2)
    void aWriteOnOneInstanceIsReadOnTheOthers() throws Exception {
        Instance a = this.instances.get(0);
        Instance b = this.instances.get(1);
        Instance c = this.instances.get(2);

        HttpResponse<String> put = TestSupport.put(a.url("/kv/greeting"), "hello from kv-1");
        assertThat(put.statusCode()).isEqualTo(200);
        long version = JSON.readTree(put.body()).path("version").asLong();

        // A quorum read is ordered after the write: it sees it at once, on any instance.
        HttpResponse<String> quorum = TestSupport.get(b.url("/kv/greeting?consistency=quorum"));
        assertThat(quorum.statusCode()).isEqualTo(200);
        JsonNode read = JSON.readTree(quorum.body());
        assertThat(read.path("value").asString()).isEqualTo("hello from kv-1");
        assertThat(read.path("version").asLong()).isEqualTo(version);
        assertThat(read.path("agreed").asBoolean()).isTrue();
        assertThat(read.path("replies").size()).isGreaterThanOrEqualTo(2);

        // A local read sees it as soon as that replica has delivered it.
        assertThat(TestSupport.eventually(CONVERGE, () -> bodyOf(c.url("/kv/greeting")).equals("hello from kv-1")))
            .isTrue();

        assertThat(TestSupport.delete(c.url("/kv/greeting")).statusCode()).isEqualTo(200);
        assertThat(TestSupport.get(a.url("/kv/greeting?consistency=quorum")).statusCode()).isEqualTo(404);
        assertThat(TestSupport.eventually(CONVERGE, () -> statusOf(b.url("/kv/greeting")) == 404)).isTrue();

        for (int i = 0; i < 9; i++) {
            assertThat(TestSupport.put(this.instances.get(i % 3).url("/kv/k" + i), "v" + i).statusCode())
                .isEqualTo(200);
        }
        assertThat(TestSupport.eventually(CONVERGE, () -> sameMaps(this.instances))).isTrue();
        assertThat(a.map()).hasSize(9).containsEntry("k4", "v4");
    }

    @Test
    @Order(3)
    void badInputIsRefusedByTheJarToo() throws Exception {
        Instance a = this.instances.get(0);
        assertThat(TestSupport.put(a.url("/kv/big"), "x".repeat(64 * 1024 + 1)).statusCode()).isEqualTo(413);
        assertThat(TestSupport.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(a.url("/kv/x")))
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("x"))).statusCode()).isEqualTo(405);
        assertThat(TestSupport.put(a.url("/kv/"), "x").statusCode()).isEqualTo(400);
    }

    @Test
    @Order(4)
    void theManagementPortShowsTheGroup() throws Exception {
        Instance b = this.instances.get(1);
        JsonNode health = JSON.readTree(TestSupport.get(b.management("/actuator/health")).body());
        assertThat(health.path("status").asString()).isEqualTo("UP");
        assertThat(health.path("components").path("vsync").path("details").path("groups").path("kv").path("members")
            .asInt()).isEqualTo(3);
        JsonNode vsync = JSON.readTree(TestSupport.get(b.management("/actuator/vsync/kv")).body());
        assertThat(vsync.path("view").path("members").size()).isEqualTo(3);
        assertThat(TestSupport.get(b.management("/actuator/prometheus")).body()).contains("vsync_view_size{group=\"kv\"} 3.0");
    }

    @Test
    @Order(5)
    void aCrashUnderWritesLosesNoAcknowledgedWrite() throws Exception {
        Instance victim = this.instances.get(2);
        List<Instance> survivors = this.instances.subList(0, 2);
        String victimId = victim.self();

        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        AtomicInteger ackedByVictim = new AtomicInteger();
        AtomicInteger ackedAfterCrash = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicLong crashedAt = new AtomicLong(Long.MAX_VALUE);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch warmedUp = new CountDownLatch(30);
        List<Thread> writers = new ArrayList<>();
        for (Instance target : this.instances) {
            Thread writer = new Thread(() -> {
                for (int n = 0; !stop.get(); n++) {
                    String key = "w" + target.number + "-" + n;
                    String value = "value-" + n + "-via-kv-" + target.number;
                    long sentAt = System.nanoTime();
                    try {
                        if (TestSupport.put(target.url("/kv/" + key), value).statusCode() == 200) {
                            acknowledged.put(key, value);
                            warmedUp.countDown();
                            if (target == victim) {
                                ackedByVictim.incrementAndGet();
                            }
                            if (sentAt > crashedAt.get()) {
                                ackedAfterCrash.incrementAndGet();
                            }
                        }
                        else {
                            refused.incrementAndGet();
                        }
                    }
                    catch (IOException ex) {
                        refused.incrementAndGet();   // the crashed instance: connection refused
                        if (target == victim) {
                            return;
                        }
                    }
                    catch (InterruptedException ex) {
                        return;
                    }
                }
            }, "writer-kv-" + target.number);
            writer.start();
            writers.add(writer);
        }

        assertThat(warmedUp.await(60, TimeUnit.SECONDS)).as("writes are acknowledged before the crash").isTrue();
        crashedAt.set(System.nanoTime());
        victim.process.destroyForcibly();   // SIGKILL: no shutdown hook, no graceful leave
        assertThat(victim.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // The survivors carry on: writes keep being acknowledged once the view has changed.
        assertThat(TestSupport.eventually(CONVERGE, () -> ackedAfterCrash.get() >= 20)).as(
                "writes acknowledged by the survivors after the crash").isTrue();
        stop.set(true);
        for (Thread writer : writers) {
            writer.join(60_000);
        }

        for (Instance survivor : survivors) {
            assertThat(TestSupport.eventually(CONVERGE, () -> survivor.members().size() == 2)).isTrue();
            assertThat(survivor.members()).doesNotContain(victimId);
        }
        JsonNode lastChange = survivors.get(0).cluster().path("viewChanges").path(0);
        assertThat(lastChange.path("failed").toString()).contains(victimId);

        // Every acknowledged write, wherever it was acknowledged (the crashed instance included),
        // is in both survivors' maps; and the two maps are the same.
        assertThat(TestSupport.eventually(CONVERGE, () -> sameMaps(survivors))).isTrue();
        Map<String, String> map = survivors.get(0).map();
        for (Map.Entry<String, String> write : acknowledged.entrySet()) {
            assertThat(map).as("acknowledged write %s", write.getKey()).containsEntry(write.getKey(), write.getValue());
        }
        assertThat(ackedByVictim.get()).as("writes the crashed instance acknowledged").isPositive();
        System.out.printf("crash under writes: %d acknowledged (%d by the crashed instance, %d after the crash),"
                + " %d refused or failed, %d keys in the survivors' maps%n", acknowledged.size(), ackedByVictim.get(),
                ackedAfterCrash.get(), refused.get(), map.size());
    }

    @Test
    @Order(6)
    void aRestartedInstanceRejoinsAndServesTheSameMapAtOnce() throws Exception {
        Instance restarted = this.instances.get(2);
        Map<String, String> expected = this.instances.get(0).map();

        restarted.start();
        restarted.awaitReady(START);

        // Ready means joined, and a joiner loads the state before its first delivery: no waiting.
        assertThat(restarted.map()).isEqualTo(expected);
        assertThat(restarted.members()).hasSize(3);
        assertThat(TestSupport.eventually(CONVERGE, () -> this.instances.stream()
            .allMatch(i -> i.members().size() == 3))).isTrue();

        assertThat(TestSupport.put(restarted.url("/kv/after-restart"), "yes").statusCode()).isEqualTo(200);
        assertThat(TestSupport.get(this.instances.get(0).url("/kv/after-restart?consistency=quorum")).statusCode())
            .isEqualTo(200);
    }

    @Test
    @Order(7)
    void aStoppedInstanceLeavesGracefully() throws Exception {
        Instance leaving = this.instances.get(1);
        String leavingId = leaving.self();

        leaving.process.destroy();   // SIGTERM: Spring's graceful shutdown leaves the group first
        assertThat(leaving.process.waitFor(60, TimeUnit.SECONDS)).as("kv-2 stops within 60 s").isTrue();

        Instance other = this.instances.get(0);
        assertThat(TestSupport.eventually(CONVERGE, () -> other.members().size() == 2)).isTrue();
        JsonNode change = other.cluster().path("viewChanges").path(0);
        assertThat(change.path("left").toString()).as("a planned leave, not a failure").contains(leavingId);
        assertThat(change.path("failed").size()).isZero();
        assertThat(TestSupport.put(other.url("/kv/after-leave"), "still writable").statusCode()).isEqualTo(200);
    }

    private static String bodyOf(String url) {
        try {
            return TestSupport.get(url).body();
        }
        catch (IOException ex) {
            return "";
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static int statusOf(String url) {
        try {
            return TestSupport.get(url).statusCode();
        }
        catch (IOException ex) {
            return -1;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static boolean sameMaps(List<Instance> instances) {
        try {
            Map<String, String> first = instances.get(0).map();
            for (Instance instance : instances.subList(1, instances.size())) {
                if (!instance.map().equals(first)) {
                    return false;
                }
            }
            return true;
        }
        catch (IOException | AssertionError ex) {
            return false;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
