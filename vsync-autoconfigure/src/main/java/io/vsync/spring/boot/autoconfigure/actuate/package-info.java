/** Actuator support for Vsync: the {@code vsync} endpoint and the health indicator. */
@NullMarked
package io.vsync.spring.boot.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
