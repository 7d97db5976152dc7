package io.vsync.tools.perf;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Watches the CPU time of the JVMs below a process (the JGroups harness's members), sampling
 * {@link ProcessHandle.Info#totalCpuDuration()} every 100 ms: a process that has exited keeps
 * its last sample, which is at most 100 ms short.
 */
final class CpuSampler {
    private final ProcessHandle root;
    private final String mustContain;
    private final Map<Long, Long> lastNanos = new HashMap<>(); // guarded by this
    private final Set<Long> taken = new HashSet<>(); // guarded by this
    private final Thread thread;
    private volatile boolean running = true;

    CpuSampler(ProcessHandle root, String mustContain) {
        this.root = root;
        this.mustContain = mustContain;
        this.thread = new Thread(this::loop, "cpu-sampler");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void stop() {
        running = false;
    }

    private void loop() {
        while (running) {
            root.descendants().forEach(p -> {
                ProcessHandle.Info info = p.info();
                boolean match = info.arguments().map(a -> String.join(" ", a).contains(mustContain)).orElse(false)
                        || info.commandLine().map(c -> c.contains(mustContain)).orElse(false);
                if (match) {
                    info.totalCpuDuration().ifPresent(d -> {
                        synchronized (this) {
                            lastNanos.put(p.pid(), d.toNanos());
                        }
                    });
                }
            });
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** CPU of every matching process seen since the last call (all of its life so far), ns. */
    synchronized long takeNanos() {
        long sum = 0;
        for (Map.Entry<Long, Long> e : lastNanos.entrySet()) {
            if (taken.add(e.getKey())) {
                sum += e.getValue();
            }
        }
        return sum;
    }
}
