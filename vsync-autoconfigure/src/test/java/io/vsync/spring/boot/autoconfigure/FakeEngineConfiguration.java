package io.vsync.spring.boot.autoconfigure;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Supplies the fake engine as the application's own engine bean: the auto-configuration backs off. */
@Configuration(proxyBeanMethods = false)
public class FakeEngineConfiguration {

    @Bean
    public FakeVsyncEngine vsyncEngine() {
        return new FakeVsyncEngine();
    }

}
