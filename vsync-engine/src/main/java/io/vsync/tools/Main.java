package io.vsync.tools;

import java.util.Arrays;
import java.util.List;

/** Entry point of {@code bin/vsync}: {@code simulate}, {@code perf}, {@code demo}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
            System.exit(2);
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        int status;
        try {
            status = switch (args[0]) {
                case "simulate" -> SimulateCommand.run(rest, System.out);
                case "demo" -> DemoCommand.run(rest, System.out);
                case "perf" -> io.vsync.tools.perf.PerfCommand.run(rest, System.out);
                case "member" -> io.vsync.tools.perf.PerfCommand.member(rest); // hidden: a perf member JVM
                default -> {
                    usage();
                    yield 2;
                }
            };
        } catch (IllegalArgumentException e) {
            System.err.println("vsync: " + e.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    private static void usage() {
        System.err.println("""
                usage: bin/vsync <command> [options]
                  simulate --seeds 1-1000 --nodes 5 [--threads N] [--verbose]
                        deterministic simulations under random faults, checked
                  perf [throughput|latency|query|flush|viewchange|all|compare] [options]
                        benchmarks with member processes on loopback (docs/benchmarks.md)
                  demo [--nodes 3] [--seconds 0 (forever)]
                        a cluster of engines on loopback exchanging ordered messages
                """);
    }
}
