/**
 * Test support: {@link io.vsync.spring.test.VsyncTestCluster} runs several instances of a Spring
 * Boot application as one Vsync cluster in one JVM, over loopback or over the engine's in-memory
 * network, with crashes, partitions and seeded fault schedules.
 */
@NullMarked
package io.vsync.spring.test;

import org.jspecify.annotations.NullMarked;
