package io.vsync.simulation;

/**
 * The shape of one simulated run; together with the seed it determines the run entirely.
 *
 * @param nodes           processes in the run, all seeds of the one group
 * @param faultPhaseMs    virtual time during which faults are injected
 * @param settleMs        virtual time after the last fault for the group to converge
 * @param meanFaultGapMs  mean virtual time between faults
 * @param sendEveryMs     mean interval between sends of each process
 * @param heartbeatMs     heartbeat interval given to every process
 * @param failureTimeoutMs failure timeout given to every process
 */
public record SimulationConfig(int nodes, long faultPhaseMs, long settleMs, long meanFaultGapMs,
                               long sendEveryMs, long heartbeatMs, long failureTimeoutMs) {

    public SimulationConfig {
        if (nodes < 1 || nodes > 64) {
            throw new IllegalArgumentException("nodes must be between 1 and 64, got " + nodes);
        }
    }

    public static SimulationConfig defaults(int nodes) {
        return new SimulationConfig(nodes, 4_000, 8_000, 400, 8, 50, 400);
    }

    public SimulationConfig withNodes(int count) {
        return new SimulationConfig(count, faultPhaseMs, settleMs, meanFaultGapMs, sendEveryMs, heartbeatMs,
                failureTimeoutMs);
    }
}
