package io.vsync.sample.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.vsync.api.View;

/**
 * The live page at {@code /}, rendered by a real headless browser (Debian's {@code chromium})
 * against a running pair of instances, and the management port the operators use.
 *
 * <p>The two instances are Spring applications in this JVM, on their own HTTP, management and
 * group ports over loopback: a real group of two, cheap enough for every build. The browser
 * test is skipped, saying so, only when no chromium can be found ({@code apt-get install -y
 * chromium}, or set {@code CHROMIUM} to the executable).
 */
class LivePageBrowserTest {

    private static final List<ConfigurableApplicationContext> instances = new ArrayList<>();

    private static final List<String> pages = new ArrayList<>();

    private static final List<String> managements = new ArrayList<>();

    @BeforeAll
    static void startTwoInstances() throws Exception {
        int[] groupPorts = TestSupport.freePorts(2);
        String seeds = "127.0.0.1:" + groupPorts[0] + ",127.0.0.1:" + groupPorts[1];
        for (int i = 0; i < 2; i++) {
            // Command-line arguments: they override application.yml (builder properties would not).
            ConfigurableApplicationContext context = new SpringApplicationBuilder(KvApplication.class).run(
                    "--server.port=0", "--management.server.port=0", "--vsync.port=" + groupPorts[i],
                    "--vsync.bind-address=127.0.0.1", "--vsync.seeds=" + seeds, "--vsync.node-name=page-" + (i + 1),
                    // A shared 2-core CI machine can stall a JVM for a second: no false suspicions.
                    "--vsync.failure-detection.timeout=3s", "--spring.main.banner-mode=off");
            instances.add(context);
            pages.add("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"));
            managements.add("http://127.0.0.1:" + context.getEnvironment().getProperty("local.management.port"));
        }
        assertThat(TestSupport.eventually(Duration.ofSeconds(60), () -> instances.stream()
            .allMatch(c -> c.getBean(ClusterMonitor.class).view() != null
                    && c.getBean(ClusterMonitor.class).view().size() == 2)))
            .as("both instances see a view of two members").isTrue();
        for (int i = 0; i < 5; i++) {
            assertThat(TestSupport.put(pages.get(i % 2) + "/kv/page-" + i, "v" + i).statusCode()).isEqualTo(200);
        }
    }

    @AfterAll
    static void stop() {
        for (int i = instances.size() - 1; i >= 0; i--) {
            instances.get(i).close();
        }
    }

    @Test
    void thePageShowsTheViewItsMembersAndTheirRatesInARealBrowser() throws Exception {
        Path chromium = TestSupport.findChromium();
        Assumptions.assumeTrue(chromium != null, "SKIPPED: no chromium found (looked for $CHROMIUM, then chromium,"
                + " chromium-browser, google-chrome on the PATH); install Debian's with: apt-get install -y chromium");

        View view = instances.get(0).getBean(ClusterMonitor.class).view();
        Path out = Path.of("target", "browser");
        Files.createDirectories(out);
        String dom = runChromium(chromium, out, "--dump-dom", pages.get(0) + "/");
        Files.writeString(out.resolve("page.html"), dom);

        for (var member : view.members()) {
            assertThat(dom).as("the page lists member %s", member).contains("data-member=\"" + member + "\"");
        }
        assertThat(dom).contains("data-status=\"MEMBER\"");
        assertThat(dom).contains("<span id=\"view-id\">" + view.id() + "</span>");   // exact, not rounded to 2^53
        assertThat(dom).contains("<code id=\"leader\">" + view.leader() + "</code>");
        assertThat(dom).contains("<code id=\"node\">page-1</code>");
        assertThat(dom).contains("this instance");
        assertThat(dom).containsPattern("class=\"num\">[0-9]+\\.[0-9]</td>");   // a msg/s cell
        assertThat(dom).contains("data-view=\"" + view.id() + "\"");               // the last view change
        assertThat(dom).doesNotContain("<button").doesNotContain("<form").doesNotContain("<input");

        // For people: what it looks like (best effort, not asserted).
        runChromium(chromium, out, "--window-size=1100,700", "--screenshot=" + out.resolve("page.png").toAbsolutePath(),
                pages.get(0) + "/");
    }

    @Test
    void theManagementPortServesHealthTheVsyncEndpointAndMeters() throws Exception {
        String management = managements.get(1);

        HttpResponse<String> health = TestSupport.get(management + "/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"vsync\"").contains("\"MEMBER\"");
        assertThat(TestSupport.get(management + "/actuator/health/readiness").statusCode()).isEqualTo(200);

        HttpResponse<String> vsync = TestSupport.get(management + "/actuator/vsync/kv");
        assertThat(vsync.statusCode()).isEqualTo(200);
        assertThat(vsync.body()).contains("\"status\":\"MEMBER\"").contains("\"configured\":true");

        HttpResponse<String> prometheus = TestSupport.get(management + "/actuator/prometheus");
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("vsync_messages_delivered_total{group=\"kv\"")
            .contains("vsync_view_size{group=\"kv\"} 2.0")
            .contains("kv_keys ");

        assertThat(TestSupport.get(management + "/actuator/metrics/kv.position").statusCode()).isEqualTo(200);
        // Not on the application port.
        assertThat(TestSupport.get(pages.get(1) + "/actuator/health").statusCode()).isEqualTo(404);
    }

    /** Runs headless chromium with a fresh profile and returns what it printed. */
    private static String runChromium(Path chromium, Path out, String... args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("kv-chromium-");
        try {
            List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
                    "--user-data-dir=" + profile,
                    // Lets the page's fetch and render run before the DOM is taken (virtual time
                    // waits for network loads).
                    "--virtual-time-budget=5000"));
            command.addAll(List.of(args));
            Path stdout = out.resolve("chromium.out");
            Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                .redirectError(out.resolve("chromium.log").toFile())
                .start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("chromium did not finish within 120 s; see " + out.resolve("chromium.log"));
            }
            assertThat(process.exitValue()).as("chromium's exit code (see %s)", out.resolve("chromium.log")).isZero();
            return Files.readString(stdout, StandardCharsets.UTF_8);
        }
        finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
