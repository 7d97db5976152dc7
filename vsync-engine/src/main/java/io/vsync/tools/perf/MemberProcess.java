package io.vsync.tools.perf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One member JVM seen from the driver: its stdin for commands, a pump thread that copies its
 * output to a log file and collects its '@' events and views.
 */
final class MemberProcess {
    /** Every member JVM this driver started and has not yet reaped: destroyed on driver exit. */
    static final List<MemberProcess> LIVE = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (MemberProcess m : LIVE) {
                m.destroy(); // only our own children, by handle (SIGKILL also ends a stopped one)
            }
        }, "perf-reaper"));
    }

    final String name;
    final int idx;
    final Process process;
    final Path log;
    private final PrintWriter in;
    private final List<String> events = new ArrayList<>(); // guarded by itself
    /** Tokens of the member's @VIEW lines: [@VIEW, epoch us, view id, size, leader, members]. */
    final List<String[]> views = new CopyOnWriteArrayList<>();
    volatile boolean stopped; // SIGSTOPped by the driver and not yet resumed

    MemberProcess(int idx, List<String> cmd, Path log) throws IOException {
        this.idx = idx;
        this.name = "m" + idx;
        this.log = log;
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        LIVE.add(this);
        in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread t = new Thread(this::pump, "out-" + name);
        t.setDaemon(true);
        t.start();
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter w = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = r.readLine()) != null) {
                w.println(line);
                if (line.startsWith("@VIEW ")) {
                    views.add(line.split(" "));
                } else if (line.startsWith("@")) {
                    post(line);
                }
            }
        } catch (IOException ignored) {
            // the process went away
        }
        post("@EXIT");
    }

    private void post(String e) {
        synchronized (events) {
            events.add(e);
            events.notifyAll();
        }
    }

    void cmd(String c) {
        in.println(c);
    }

    long pid() {
        return process.pid();
    }

    /** Returns (and removes) the first pending event with this prefix; other events stay pending. */
    String await(String prefix, long timeoutMs) throws InterruptedException {
        String e = poll(prefix, timeoutMs);
        if (e == null) {
            throw new IllegalStateException(name + ": timeout waiting for " + prefix + " (log: " + log + ")");
        }
        return e;
    }

    /** As {@link #await}, but null on timeout. */
    String poll(String prefix, long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        synchronized (events) {
            for (;;) {
                for (Iterator<String> it = events.iterator(); it.hasNext(); ) {
                    String e = it.next();
                    if (e.startsWith(prefix)) {
                        it.remove();
                        return e;
                    }
                    if (e.startsWith("@ERROR") || e.startsWith("@EXIT")) {
                        throw new IllegalStateException(name + ": " + e + " while waiting for " + prefix
                                + " (log: " + log + ")");
                    }
                }
                long left = end - System.currentTimeMillis();
                if (left <= 0) {
                    return null;
                }
                events.wait(left);
            }
        }
    }

    String[] lastView() {
        return views.isEmpty() ? null : views.get(views.size() - 1);
    }

    private Process signaller;
    private String signallerSig;
    /** Of the last {@link #signal}: µs from the call until the signal was surely sent. */
    long lastSignalUs;

    /**
     * Starts a shell that sends {@code sig} to this child (with the shell's built-in kill, by
     * pid) as soon as it reads a line: under load, starting a process can take 100+ ms, which
     * must not count as detection time.
     */
    void prepareSignal(String sig) throws IOException {
        signaller = new ProcessBuilder("bash", "-c", "read -r _ && kill -" + sig + " " + process.pid() + " && echo sent")
                .redirectErrorStream(true).start();
        signallerSig = sig;
    }

    /** Sends SIGSTOP or SIGCONT to this one child, by pid (through a prepared shell if there is one). */
    void signal(String sig) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process k;
        if (signaller != null && sig.equals(signallerSig)) {
            k = signaller;
            signaller = null;
            k.getOutputStream().write('\n');
            k.getOutputStream().flush();
        } else {
            k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).redirectErrorStream(true).start();
        }
        if (!k.waitFor(5, TimeUnit.SECONDS) || k.exitValue() != 0) {
            throw new IOException("kill -" + sig + " " + process.pid() + " failed");
        }
        lastSignalUs = (System.nanoTime() - t0) / 1000;
        stopped = "STOP".equals(sig);
    }

    /** SIGKILL (kill -9) to this child; waits for it to be gone. */
    void destroy() {
        if (signaller != null) {
            signaller.destroyForcibly();
            signaller = null;
        }
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LIVE.remove(this);
    }
}
