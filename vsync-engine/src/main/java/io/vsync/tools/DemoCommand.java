package io.vsync.tools;

import io.vsync.api.Group;
import io.vsync.api.View;
import io.vsync.api.VsyncEngine;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code bin/vsync demo [--nodes 3] [--seconds 0] [--base-port 7800]}: a cluster of engines on
 * loopback, each joining group {@code demo} and multicasting with {@code orderedSend}; every
 * member prints what it delivers, so one can watch all of them deliver the same sequence.
 * Runs until Ctrl-C (or for the given seconds), then leaves cleanly.
 */
public final class DemoCommand {

    /** The demo's message: who said it, and their counter. */
    public record Hello(String from, int n) {
    }

    private DemoCommand() {
    }

    public static int run(List<String> args, PrintStream out) throws Exception {
        int nodes = 3;
        long seconds = 0;
        int basePort = 7800;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--nodes" -> nodes = Integer.parseInt(args.get(++i));
                case "--seconds" -> seconds = Long.parseLong(args.get(++i));
                case "--base-port" -> basePort = Integer.parseInt(args.get(++i));
                default -> throw new IllegalArgumentException("unknown option " + args.get(i)
                        + " (want --nodes N --seconds S --base-port P)");
            }
        }
        List<String> seeds = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            seeds.add("127.0.0.1:" + (basePort + i));
        }
        List<VsyncEngine> engines = new ArrayList<>();
        List<Group> groups = new ArrayList<>();
        List<List<String>> delivered = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            String name = "node-" + (char) ('a' + i);
            VsyncEngine engine = VsyncEngine.builder().nodeName(name).bind("127.0.0.1", basePort + i).seeds(seeds)
                    .build();
            engine.start();
            engines.add(engine);
            List<String> log = new CopyOnWriteArrayList<>();
            delivered.add(log);
            Group group = engine.group("demo");
            group.handle(Hello.class, (hello, info) -> {
                log.add(hello.from() + "#" + hello.n());
                out.printf("%s delivered %-10s (view %d, %s)%n", name, hello.from() + "#" + hello.n(), info.viewId(),
                        info.kind());
            });
            group.onViewChange((View v) -> out.printf("%s sees view %d: %s%n", name, v.id(), v.members()));
            groups.add(group);
        }
        for (Group group : groups) {
            group.joinAsync();
        }
        for (Group group : groups) {
            group.join(Duration.ofSeconds(30));
        }
        out.println("all " + nodes + " members joined; each sends one orderedSend a second (Ctrl-C stops)");
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.set(false);
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        long deadline = seconds > 0 ? System.currentTimeMillis() + seconds * 1000 : Long.MAX_VALUE;
        int round = 0;
        while (running.get() && System.currentTimeMillis() < deadline) {
            round++;
            for (int i = 0; i < nodes; i++) {
                groups.get(i).orderedSend(new Hello(engines.get(i).nodeName(), round));
            }
            Thread.sleep(1000);
        }
        Thread.sleep(300);
        boolean same = delivered.stream().allMatch(d -> d.equals(delivered.get(0)));
        out.println("every member delivered the same " + delivered.get(0).size() + " messages in the same order: " + same);
        for (VsyncEngine engine : engines) {
            engine.close();
        }
        stopped.countDown();
        return same ? 0 : 1;
    }
}
