package io.vsync.sample.kv;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * A replicated key-value store on group {@value KvReplica#GROUP}. Start three with
 * {@code bin/sample-cluster}, or by hand:
 *
 * <pre>
 * java -jar sample-app/target/sample-app.jar --server.port=8081 --management.server.port=9081 \
 *      --vsync.port=7801 --vsync.seeds=127.0.0.1:7801,127.0.0.1:7802,127.0.0.1:7803
 * </pre>
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class KvApplication {

    public static void main(String[] args) {
        SpringApplication.run(KvApplication.class, args);
    }
}
