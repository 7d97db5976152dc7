package io.vsync.spring.boot.autoconfigure;

import io.vsync.api.VsyncEngine;

/**
 * Callback that customizes the {@link VsyncEngine.Builder} of the auto-configured engine,
 * after the {@code vsync.*} properties have been applied. Beans of this type are applied in
 * {@link org.springframework.core.annotation.Order order}.
 */
@FunctionalInterface
public interface VsyncEngineCustomizer {

    void customize(VsyncEngine.Builder builder);

}
