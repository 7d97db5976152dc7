package io.vsync.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Not a test: replays a property-test seed and prints the run that fails, for diagnosis. */
final class TraceFinding {
    public static void main(String[] args) {
        long seed = Long.parseLong(args[0]);
        Random rnd = new Random(seed);
        for (int run = 0; run < 5000; run++) {
            long runSeed = rnd.nextLong();
            NodeHarness h = new NodeHarness();
            Hostile hostile = new Hostile(Source.of(new Random(runSeed), 2_000), h);
            hostile.trace = new ArrayList<>();
            try {
                hostile.run(300);
            } catch (Throwable t) {
                System.out.println("run " + run + " run seed " + runSeed + " threw " + t);
                List<String> tr = hostile.trace;
                System.out.println("start view: see harness; events (" + tr.size() + "), last 15:");
                tr.subList(Math.max(0, tr.size() - Integer.getInteger("last", 15)), tr.size()).forEach(System.out::println);
                System.out.println("log tail:");
                h.log.subList(Math.max(0, h.log.size() - 10), h.log.size()).forEach(System.out::println);
                return;
            }
        }
        System.out.println("no failure");
    }
}
