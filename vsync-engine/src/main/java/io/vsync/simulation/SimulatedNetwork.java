package io.vsync.simulation;

import io.vsync.message.ProtocolMessage;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The links between simulated processes, with TCP's semantics: per link, frames arrive in the
 * order sent or not at all; a broken connection loses what is in flight. Latency varies per
 * frame (so frames on different links overtake each other), partitions drop silently, and a
 * send to a crashed process is refused like a connection to a closed port.
 */
final class SimulatedNetwork {

    private final int nodes;
    private final SplittableRandom random;
    /** lastArrival[from][to]: keeps each link FIFO. */
    private final long[][] lastArrival;
    /** epoch[from][to]: bumped when the link's connection breaks; older frames are lost. */
    private final long[][] epoch;
    private final long[][] extraLatencyUntil;
    private final long[][] extraLatency;
    private final Set<Long> blocked = new HashSet<>();

    SimulatedNetwork(int nodes, SplittableRandom random) {
        this.nodes = nodes;
        this.random = random;
        this.lastArrival = new long[nodes][nodes];
        this.epoch = new long[nodes][nodes];
        this.extraLatencyUntil = new long[nodes][nodes];
        this.extraLatency = new long[nodes][nodes];
    }

    /** A frame on its way. */
    record InFlight(int from, int to, long epoch, ProtocolMessage message) {
    }

    /** When a frame sent now arrives, keeping the link FIFO. */
    long arrivalTime(int from, int to, long nowMicros) {
        long latency = 100 + random.nextLong(1_500);
        if (random.nextInt(50) == 0) {
            latency += random.nextLong(10_000);
        }
        if (nowMicros < extraLatencyUntil[from][to]) {
            latency += extraLatency[from][to];
        }
        long arrival = Math.max(nowMicros + latency, lastArrival[from][to] + 1);
        lastArrival[from][to] = arrival;
        return arrival;
    }

    long epoch(int from, int to) {
        return epoch[from][to];
    }

    boolean current(InFlight frame) {
        return frame.epoch() == epoch[frame.from()][frame.to()];
    }

    boolean isBlocked(int from, int to) {
        return blocked.contains(key(from, to));
    }

    /** The connection between the two breaks: frames in flight either way are lost. */
    void breakConnection(int a, int b) {
        epoch[a][b]++;
        epoch[b][a]++;
    }

    /** Frames between the two are silently dropped until healed. */
    void partition(Set<Integer> side) {
        for (int a = 0; a < nodes; a++) {
            for (int b = 0; b < nodes; b++) {
                if (side.contains(a) != side.contains(b)) {
                    blocked.add(key(a, b));
                    epoch[a][b]++;
                }
            }
        }
    }

    void heal() {
        blocked.clear();
    }

    void slowLink(int from, int to, long extraMicros, long untilMicros) {
        extraLatency[from][to] = extraMicros;
        extraLatencyUntil[from][to] = untilMicros;
    }

    /** A crashed or restarted process loses its connections. */
    void resetConnections(int node) {
        for (int other = 0; other < nodes; other++) {
            epoch[node][other]++;
            epoch[other][node]++;
        }
    }

    private static long key(int from, int to) {
        return ((long) from << 32) | to;
    }
}
