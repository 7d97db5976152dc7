package io.vsync.spring.boot.autoconfigure;

import java.time.Duration;

import io.vsync.spring.boot.autoconfigure.VsyncProperties.ErrorPolicy;

/** Error handling of one group's handlers, resolved from the properties. */
record HandlerErrorHandling(ErrorPolicy policy, int maxAttempts, Duration retryBackoff) {
}
