package io.vsync.tools.perf;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time per thread of a process, from {@code /proc/<pid>/task/<tid>/stat}: what both a
 * member (for itself) and the driver (for the members, from outside) read, since the JMX thread
 * bean hides the JIT compiler threads and lists no collector thread.
 */
final class ProcThreads {
    /** USER_HZ is 100 on every Linux the JDK runs on. */
    private static final long TICK_NS = 10_000_000L;

    private ProcThreads() {
    }

    /**
     * The threads of process {@code pid} ("self" for this one), by thread id: {role index
     * ({@link PerfMember#role}), CPU ns so far}; null where there is no {@code /proc}.
     */
    static Map<String, long[]> read(String pid) {
        File[] tasks = new File(new StringBuilder("/proc/").append(pid).append("/task").toString()).listFiles();
        if (tasks == null) {
            return null;
        }
        Map<String, long[]> threads = new HashMap<>();
        for (File task : tasks) {
            try {
                String stat = Files.readString(task.toPath().resolve("stat"));
                int close = stat.lastIndexOf(')');
                String name = stat.substring(stat.indexOf('(') + 1, close);
                // after the name: state is field 0, utime field 11, stime field 12
                String[] f = stat.substring(close + 2).split(" ");
                threads.put(task.getName(), new long[] {PerfMember.role(name),
                        (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NS});
            } catch (IOException | RuntimeException e) {
                // a thread that ended while being read
            }
        }
        return threads;
    }
}
