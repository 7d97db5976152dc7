package io.vsync.spring.boot.autoconfigure;

import java.net.BindException;
import java.net.UnknownHostException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

@ExtendWith(OutputCaptureExtension.class)
class FailureAnalysisTests {

    private final VsyncStartupFailureAnalyzer analyzer = new VsyncStartupFailureAnalyzer();

    @Test
    @SuppressWarnings("removal")
    void analyzersAreRegistered() {
        assertThat(SpringFactoriesLoader.loadFactoryNames(FailureAnalyzer.class, getClass().getClassLoader()))
            .contains(VsyncStartupFailureAnalyzer.class.getName(), InvalidGroupHandlerFailureAnalyzer.class.getName());
    }

    @Test
    void portInUseNamesThePortProperty() {
        FailureAnalysis analysis = analyze("could not start", new BindException("Address already in use"), null);
        assertThat(analysis.getDescription()).contains("0.0.0.0:7800").contains("port 7800 is already in use");
        assertThat(analysis.getAction()).contains("vsync.port").contains("vsync.port=0 picks a free one");
    }

    @Test
    void foreignBindAddressNamesTheBindAddressProperty() {
        FailureAnalysis analysis = analyze("could not start", new BindException("Cannot assign requested address"), null);
        assertThat(analysis.getAction()).contains("vsync.bind-address");
    }

    @Test
    void unknownSeedHostNamesTheSeeds() {
        FailureAnalysis analysis = analyze("could not start", new UnknownHostException("seed-9"), null);
        assertThat(analysis.getDescription()).contains("seed-9");
        assertThat(analysis.getAction()).contains("vsync.seeds");
    }

    @Test
    void unresolvableSeedDnsNamesTheSeedDnsProperty() {
        VsyncStartupException failure = new VsyncStartupException(
                "vsync.seed-dns 'vsync.svc' could not be resolved: vsync.svc", new UnknownHostException("vsync.svc"),
                "0.0.0.0", 7800, List.of(), "vsync.svc", null);
        FailureAnalysis analysis = this.analyzer.analyze(failure);
        assertThat(analysis.getDescription()).contains("vsync.seed-dns 'vsync.svc'");
        assertThat(analysis.getAction()).contains("publishNotReadyAddresses");
    }

    @Test
    void joinFailureNamesTheGroupAndTimeout() {
        FailureAnalysis analysis = analyze("Vsync group 'accounts' was not joined within PT30S", null, "accounts");
        assertThat(analysis.getAction()).contains("vsync.lifecycle.join-timeout")
            .contains("vsync.groups.accounts.join-on-startup=false");
    }

    @Test
    void otherEngineFailuresListTheSettings() {
        FailureAnalysis analysis = analyze("Vsync engine could not be built: timeout too short",
                new IllegalArgumentException("timeout too short"), null);
        assertThat(analysis.getDescription()).contains("timeout too short");
        assertThat(analysis.getAction()).contains("vsync.failure-detection.heartbeat-interval");
    }

    @Test
    void applicationStartupPrintsTheAnalysisOfAPortInUse(CapturedOutput output) {
        SpringApplication application = new SpringApplication(App.class,
                VsyncAutoConfigurationTests.PortInUse.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        assertThatException().isThrownBy(() -> application.run("--vsync.port=7805"));
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("port 7805 is already in use")
            .contains("set vsync.port to another port");
    }

    @Test
    void applicationStartupPrintsTheAnalysisOfABadSeed(CapturedOutput output) {
        SpringApplication application = new SpringApplication(App.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        assertThatException().isThrownBy(() -> application.run("--vsync.seeds=10.0.0.1:7800,foo"));
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("vsync.seeds[1]: 'foo' is not host:port");
    }

    @Test
    void applicationStartupPrintsTheAnalysisOfMisusedHandlers(CapturedOutput output) {
        SpringApplication application = new SpringApplication(App.class, GroupHandlerProcessingTests.UnknownGroup.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        assertThatException().isThrownBy(() -> application.run("--vsync.groups.accounts.join-on-startup=true"));
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("refers to group 'payments', which is not configured")
            .contains("Each group must be configured under vsync.groups");
    }

    private FailureAnalysis analyze(String message, Throwable cause, String group) {
        return this.analyzer.analyze(new VsyncStartupException(message, cause, "0.0.0.0", 7800,
                List.of("10.0.0.1:7800"), null, group));
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(VsyncAutoConfiguration.class)
    @Import(FakeEngineConfiguration.class)
    static class App {

    }

}
