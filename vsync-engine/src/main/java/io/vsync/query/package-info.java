/**
 * Query reply collection without I/O: which members must answer a query, who did, who failed
 * meanwhile, and when the query is over. The runtime's {@code GroupHandle} and the simulator
 * drive the same {@link io.vsync.query.ReplyCollector}, so the simulator's random workload
 * exercises the code real queries run.
 */
package io.vsync.query;
