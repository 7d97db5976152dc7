/**
 * Annotations that bind methods of ordinary Spring beans to Vsync groups:
 * {@link io.vsync.spring.annotation.GroupHandler}, {@link io.vsync.spring.annotation.OnViewChange},
 * {@link io.vsync.spring.annotation.StateProvider} and {@link io.vsync.spring.annotation.StateLoader}.
 * They are processed by the Vsync auto-configuration.
 */
@NullMarked
package io.vsync.spring.annotation;

import org.jspecify.annotations.NullMarked;
