/** Micrometer meters of Vsync engines and groups. */
@NullMarked
package io.vsync.spring.boot.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
