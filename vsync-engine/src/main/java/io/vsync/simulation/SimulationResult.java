package io.vsync.simulation;

import io.vsync.history.CheckResult;
import java.util.List;

/**
 * What one simulated run produced.
 *
 * @param trace the run's notable steps (faults, views, status changes), for debugging a seed
 */
public record SimulationResult(long seed, SimulationConfig config, CheckResult check, long events, long sends,
                               long deliveries, long faults, List<String> trace) {

    public boolean ok() {
        return check.ok();
    }

    /** The command that replays this run. */
    public String replayCommand() {
        return "bin/vsync simulate --seeds " + seed + " --nodes " + config.nodes() + " --verbose";
    }
}
