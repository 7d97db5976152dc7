package io.vsync.realprocess;

import io.vsync.api.MemberId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The test's side of one {@link Member} process: starts it with the test classpath, writes
 * commands to its stdin and collects its stdout lines (also copied to {@code <name>.out} next
 * to its history; its stderr, the engine's log, goes to {@code <name>.err}).
 */
final class MemberProcess {

    /** One {@code VIEW} line: a view as this process's view callback saw it. */
    record SeenView(long id, MemberId self, List<MemberId> members, long atMillis) {
        boolean hasAddress(String address) {
            return members.stream().anyMatch(m -> m.address().equals(address));
        }
    }

    final String name;
    final int port;
    final String address;
    final Path history;
    final Path out;
    final Path err;
    private final Process process;
    private final PrintWriter stdin;
    private final List<String> lines = new ArrayList<>();
    private final List<SeenView> views = new ArrayList<>();
    private final Writer transcript;
    private boolean eof;

    private MemberProcess(String name, int port, Path dir, Process process) throws IOException {
        this.name = name;
        this.port = port;
        this.address = "127.0.0.1:" + port;
        this.history = dir.resolve(name + ".history");
        this.out = dir.resolve(name + ".out");
        this.err = dir.resolve(name + ".err");
        this.process = process;
        this.stdin = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
        this.transcript = Files.newBufferedWriter(out, StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readOutput, "stdout-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code java … io.vsync.realprocess.Member} with the given settings. */
    static MemberProcess start(String name, int port, List<String> seeds, Path dir, Map<String, String> settings)
            throws IOException {
        return start(Member.class, name, port, seeds, dir, settings);
    }

    /** As {@link #start(String, int, List, Path, Map)}, with another main class taking the same arguments. */
    static MemberProcess start(Class<?> main, String name, int port, List<String> seeds, Path dir,
                               Map<String, String> settings) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:ActiveProcessorCount=2",
                "-cp", testClasspath(),
                main.getName(),
                "name=" + name, "port=" + port, "seeds=" + String.join(",", seeds),
                "history=" + dir.resolve(name + ".history")));
        settings.forEach((key, value) -> command.add(key + "=" + value));
        Process process = new ProcessBuilder(command)
                .redirectError(dir.resolve(name + ".err").toFile())
                .start();
        return new MemberProcess(name, port, dir, process);
    }

    private static String testClasspath() {
        // Surefire puts the test classpath here, whether or not it forks with a manifest-only jar.
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (transcript) {
                    transcript.write(line);
                    transcript.write('\n');
                    transcript.flush();
                }
                synchronized (this) {
                    lines.add(line);
                    if (line.startsWith("VIEW ")) {
                        views.add(parseView(line));
                    }
                    notifyAll();
                }
            }
        } catch (IOException | RuntimeException e) {
            // The process is gone; the test notices through its exit.
        } finally {
            synchronized (this) {
                eof = true;
                notifyAll();
            }
        }
    }

    private static SeenView parseView(String line) {
        String[] parts = line.split(" ");
        List<MemberId> members = new ArrayList<>();
        for (String m : parts[3].split(",")) {
            members.add(MemberId.parse(m));
        }
        return new SeenView(Long.parseLong(parts[1]), MemberId.parse(parts[2]), List.copyOf(members),
                Long.parseLong(parts[4].substring("at=".length())));
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    void command(String command) {
        stdin.println(command);
    }

    /** How many lines have arrived so far: a mark to wait for answers after. */
    synchronized int mark() {
        return lines.size();
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    synchronized List<SeenView> views() {
        return List.copyOf(views);
    }

    synchronized SeenView lastView() {
        return views.isEmpty() ? null : views.get(views.size() - 1);
    }

    /** Sends {@code command} and waits for the first line after it that starts with {@code answer}. */
    String ask(String command, String answer, Duration timeout) throws InterruptedException {
        int mark = mark();
        command(command);
        return await(mark, line -> line.startsWith(answer), "'" + answer + "' answering " + command, timeout);
    }

    /** Waits for a line at index {@code from} or later that matches {@code wanted}. */
    synchronized String await(int from, Predicate<String> wanted, String what, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int next = from;
        while (true) {
            for (; next < lines.size(); next++) {
                String line = lines.get(next);
                if (line.startsWith("ERROR")) {
                    throw new AssertionError(name + " reported " + line);
                }
                if (wanted.test(line)) {
                    return line;
                }
            }
            long left = deadline - System.nanoTime();
            if (eof) {
                throw new AssertionError(name + " ended (exit " + exitCode() + ") before " + what);
            }
            if (left <= 0) {
                throw new AssertionError(name + ": no " + what + " within " + timeout.toMillis() + " ms");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    private String exitCode() {
        return process.isAlive() ? "still running" : String.valueOf(process.exitValue());
    }

    /** {@code kill -9} through {@link Process#destroyForcibly()}; returns the exit status. */
    int killHard(Duration timeout) throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " (pid " + pid() + ") survived destroyForcibly");
        }
        return process.exitValue();
    }

    /** Sends a signal with {@code kill -<signal> <pid>}. */
    void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + signal + " " + pid() + " failed");
        }
    }

    /** The process state letter of {@code /proc/<pid>/stat}: {@code T} when stopped. */
    char procState() throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid()), "stat"));
        // pid (comm) S …: the command may hold spaces and parentheses, the state follows the last ')'.
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    boolean waitForExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    int exitValue() {
        return process.exitValue();
    }

    /** Ends the process whatever its state (a stopped process is continued first); quiet. */
    void destroy() {
        if (!process.isAlive()) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-CONT", String.valueOf(pid())).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // SIGKILL below works on a stopped process too.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + "(" + address + ", pid " + pid() + ")";
    }
}
