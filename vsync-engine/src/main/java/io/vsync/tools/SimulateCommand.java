package io.vsync.tools;

import io.vsync.history.Violation;
import io.vsync.simulation.FullRestart;
import io.vsync.simulation.Simulation;
import io.vsync.simulation.SimulationConfig;
import io.vsync.simulation.SimulationResult;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code bin/vsync simulate --seeds 1-1000 --nodes 5 [--threads 2] [--verbose]}: one
 * deterministic simulation per seed, each checked; prints every failure with the command that
 * replays it, and as its last line {@code SIMULATION seeds=<n> failed=<k> violations=<v>}.
 */
public final class SimulateCommand {

    private SimulateCommand() {
    }

    /** @return the process exit status: 0 when every seed passed */
    public static int run(List<String> args, PrintStream out) throws Exception {
        List<Long> seeds = List.of(1L);
        int nodes = 5;
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        boolean verbose = false;
        boolean fullRestart = false;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--seeds" -> seeds = parseSeeds(value(args, ++i, "--seeds"));
                case "--nodes" -> nodes = Integer.parseInt(value(args, ++i, "--nodes"));
                case "--threads" -> threads = Integer.parseInt(value(args, ++i, "--threads"));
                case "--verbose" -> verbose = true;
                case "--full-restart" -> fullRestart = true;
                default -> throw new IllegalArgumentException("unknown option " + args.get(i)
                        + " (want --seeds A-B|A,B,C --nodes N [--threads T] [--verbose] [--full-restart])");
            }
        }
        SimulationConfig config = SimulationConfig.defaults(nodes);
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<SimulationResult>> runs = new ArrayList<>();
        boolean restartAll = fullRestart;
        for (long seed : seeds) {
            // --full-restart: safeSend logs on simulated disks, every process crashes at once (guarantee 11).
            runs.add(pool.submit(() -> restartAll ? FullRestart.run(seed, config) : new Simulation(seed, config).run()));
        }
        int failed = 0;
        long violations = 0;
        long events = 0;
        for (Future<SimulationResult> run : runs) {
            SimulationResult result = run.get();
            events += result.events();
            if (!result.ok()) {
                failed++;
                violations += result.check().violationCount();
                out.println("FAILED seed=" + result.seed() + " violations=" + result.check().violationCount());
                for (Violation v : result.check().violations().subList(0, Math.min(10, result.check().violations().size()))) {
                    out.println("  " + v);
                }
                out.println("  replay: " + result.replayCommand());
            }
            if (verbose) {
                out.println("seed " + result.seed() + ": " + (result.ok() ? "ok" : "FAILED") + ", " + result.sends()
                        + " sends, " + result.deliveries() + " deliveries, " + result.faults() + " faults, "
                        + result.events() + " events");
                result.trace().forEach(line -> out.println("    " + line));
            }
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf("simulated %d seeds (%d events) in %.1f s%n", seeds.size(), events, seconds);
        out.println("SIMULATION seeds=" + seeds.size() + " failed=" + failed + " violations=" + violations);
        return failed == 0 ? 0 : 1;
    }

    static List<Long> parseSeeds(String spec) {
        List<Long> seeds = new ArrayList<>();
        for (String part : spec.split(",")) {
            int dash = part.indexOf('-', 1);
            if (dash > 0) {
                long from = Long.parseLong(part.substring(0, dash).trim());
                long to = Long.parseLong(part.substring(dash + 1).trim());
                if (to < from) {
                    throw new IllegalArgumentException("empty seed range " + part);
                }
                for (long s = from; s <= to; s++) {
                    seeds.add(s);
                }
            } else {
                seeds.add(Long.parseLong(part.trim()));
            }
        }
        return seeds;
    }

    private static String value(List<String> args, int index, String option) {
        if (index >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(index);
    }
}
