package io.vsync.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.vsync.api.DeliveryKind;
import io.vsync.history.HistoryEvent;
import io.vsync.history.RestartReplay;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Guarantee 11 with the disk log: every process crashes at once, all restart, nothing safe is lost. */
class FullRestartTest {

    @Test
    void everySafeSendDeliveredBeforeEveryProcessCrashedIsReplayedByTheProcessThatRecreatesTheGroup() {
        for (long seed = 1; seed <= 5; seed++) {
            FullRestart scenario = new FullRestart();
            SimulationResult result = new Simulation(seed, SimulationConfig.defaults(5), scenario).run();
            assertThat(result.ok()).as("seed " + seed + ": " + result.check().violations()).isTrue();

            Set<String> deliveredSafe = new HashSet<>();
            for (HistoryEvent e : scenario.beforeCrash()) {
                if (e instanceof HistoryEvent.Delivered d && d.kind() == DeliveryKind.SAFE) {
                    deliveredSafe.add(d.sender() + "/" + d.msgNo());
                }
            }
            assertThat(deliveredSafe).as("seed " + seed + ": the run delivered safeSends before the crash").isNotEmpty();
            List<RestartReplay> founders = scenario.replays().stream().filter(RestartReplay::founder).toList();
            assertThat(founders).as("seed " + seed).hasSize(1);
            Set<String> replayed = new HashSet<>();
            founders.get(0).messages().forEach(m -> replayed.add(m.sender() + "/" + m.msgNo()));
            assertThat(replayed).containsAll(deliveredSafe);
        }
    }

    @Test
    void aRunOfTheScenarioIsAPureFunctionOfItsSeed() {
        SimulationResult first = FullRestart.run(77, SimulationConfig.defaults(5));
        SimulationResult second = FullRestart.run(77, SimulationConfig.defaults(5));
        assertThat(first.events()).isEqualTo(second.events());
        assertThat(first.deliveries()).isEqualTo(second.deliveries());
    }
}
