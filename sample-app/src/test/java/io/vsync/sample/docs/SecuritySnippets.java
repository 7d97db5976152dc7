package io.vsync.sample.docs;

import io.vsync.api.VsyncEngine;
import io.vsync.runtime.NioVsyncEngine;
import io.vsync.security.SecurityConfig;
import io.vsync.security.TlsConfig;
import java.nio.file.Path;

/** The code of docs/security.md (see GettingStarted for how it is checked). Compiled only. */
final class SecuritySnippets {

    private SecuritySnippets() {
    }

    static VsyncEngine secureEngine() {
        // tag::turn-on[]
        VsyncEngine engine = NioVsyncEngine.builder()
            .nodeName("a").bind("10.0.0.1", 7800).seeds("10.0.0.1:7800", "10.0.0.2:7800", "10.0.0.3:7800")
            .security(SecurityConfig.clusterSecret("base64:" + System.getenv("VSYNC_CLUSTER_SECRET")))
            .build();
        // end::turn-on[]
        return engine;
    }

    static VsyncEngine tlsEngine() {
        // tag::tls[]
        VsyncEngine engine = NioVsyncEngine.builder()
            .nodeName("a").bind("10.0.0.1", 7800).seeds("10.0.0.1:7800", "10.0.0.2:7800", "10.0.0.3:7800")
            .tls(TlsConfig.builder()
                .keyStore(Path.of("/etc/vsync/a.p12"), System.getenv("VSYNC_KEY_STORE_PASSWORD").toCharArray())
                .trustStore(Path.of("/etc/vsync/trust.p12"), System.getenv("VSYNC_TRUST_STORE_PASSWORD").toCharArray())
                .build())
            .build();
        // end::tls[]
        return engine;
    }
}
