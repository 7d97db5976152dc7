package io.vsync.sample.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Runs the code of docs/getting-started.md as the page says to use it: a Spring Boot
 * application with the starter, a group {@code flags}, real engines over loopback.
 */
class GettingStartedTest {

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(GettingStarted.FlagService.class)
    static class FlagApp {
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(GettingStarted.ConsistentFlagService.class)
    static class ConsistentFlagApp {
    }

    @Test
    void aFlagSetIsAppliedBeforeSetReturns() throws IOException {
        int port = freePort();
        try (ConfigurableApplicationContext app = start(FlagApp.class, port, "127.0.0.1:" + port)) {
            GettingStarted.FlagService flags = app.getBean(GettingStarted.FlagService.class);

            flags.set("dark-mode", true);

            assertThat(flags.isOn("dark-mode")).isTrue();
            assertThat(flags.isOn("never-set")).isFalse();
        }
    }

    @Test
    void aJoinerGetsTheFlagsAndMajorityReadsSeeEveryWrite() throws IOException {
        int first = freePort();
        int second = freePort();
        String seeds = "127.0.0.1:" + first + ",127.0.0.1:" + second;
        try (ConfigurableApplicationContext one = start(ConsistentFlagApp.class, first, seeds)) {
            GettingStarted.ConsistentFlagService flagsOne = one.getBean(GettingStarted.ConsistentFlagService.class);
            flagsOne.set("dark-mode", true);

            try (ConfigurableApplicationContext two = start(ConsistentFlagApp.class, second, seeds)) {
                GettingStarted.ConsistentFlagService flagsTwo = two.getBean(GettingStarted.ConsistentFlagService.class);

                assertThat(flagsTwo.isOn("dark-mode")).as("loaded by state transfer before the join completed").isTrue();
                assertThat(flagsTwo.isOnEverywhere("dark-mode")).isTrue();

                flagsTwo.set("beta", true);
                assertThat(flagsOne.isOnEverywhere("beta")).isTrue();
                assertThat(flagsOne.isOnEverywhere("never-set")).isFalse();
            }
        }
    }

    private static ConfigurableApplicationContext start(Class<?> app, int port, String seeds) {
        return new SpringApplicationBuilder(app).web(WebApplicationType.NONE)
            .run("--vsync.port=" + port, "--vsync.bind-address=127.0.0.1", "--vsync.seeds=" + seeds,
                    "--vsync.groups.flags=", "--vsync.failure-detection.timeout=3s", "--spring.main.banner-mode=off");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
