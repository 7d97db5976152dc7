package io.vsync.sample.docs;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.vsync.spring.boot.autoconfigure.VsyncEngineCustomizer;

/** The code of docs/operations.md (see GettingStarted for how it is checked). */
final class Operations {

    private Operations() {
    }

    @Configuration(proxyBeanMethods = false)
    static class AdvertisedAddress {

        // tag::advertise[]
        @Bean
        VsyncEngineCustomizer advertiseAddress(@Value("${ADVERTISED_HOST}") String host) {
            return builder -> builder.advertiseAddress(host);   // what the other members dial
        }
        // end::advertise[]
    }
}
