/**
 * Testing applications built on Vsync under failures, in one JVM.
 *
 * <p>{@link io.vsync.testing.InMemoryNetwork} replaces the TCP transport of real engines
 * ({@code NioVsyncEngine.builder().transport(network::transport)}) with an in-memory one that
 * keeps TCP's semantics (per-link FIFO, refused connections after a crash, silent loss across a
 * partition) and injects faults on demand. {@link io.vsync.testing.FaultSchedule} is a timed
 * sequence of crashes, partitions and heals, hand-made or generated from a seed so that a failing
 * run's faults can be replayed. The Spring Boot starter's {@code VsyncTestCluster} runs whole
 * applications on it.
 *
 * <p>Unlike the engine's deterministic simulator ({@code io.vsync.simulation}), these run the real
 * engine threads: a seed replays the fault sequence, not every thread interleaving.
 */
package io.vsync.testing;
