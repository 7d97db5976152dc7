package io.vsync.realprocess;

import io.vsync.api.DeliveryInfo;
import io.vsync.api.Group;
import io.vsync.api.View;
import io.vsync.api.VsyncEngine;
import io.vsync.durability.FsyncPolicy;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * A member process with a safeSend log, for {@link SafeLogRestartTest}. Its state is the list of
 * notes it delivered, in order (replayed ones included), handed to joiners by state transfer.
 * Commands on stdin: {@code JOIN}, {@code SEND <n>} (n safeSends; {@code ACKED <id>} per completed
 * future, then {@code SENT}), {@code LIST}, {@code STOP} (graceful).
 */
public final class SafeLogMember {

    /** The application message. */
    public record Note(String id) {
    }

    /** The application state. */
    public record Notes(List<String> ids) {
    }

    private final PrintStream out;
    private final VsyncEngine engine;
    private final Group group;
    private final String name;
    /** Appended by the delivery thread; LIST copies it under its lock. */
    private final List<String> notes = java.util.Collections.synchronizedList(new ArrayList<>());
    private int replayed;
    private int sent;

    private SafeLogMember(Map<String, String> args, PrintStream out) {
        this.out = out;
        this.name = args.get("name");
        this.engine = VsyncEngine.builder()
                .nodeName(name)
                .bind("127.0.0.1", Integer.parseInt(args.get("port")))
                .seeds(List.of(args.get("seeds").split(",")))
                .heartbeatInterval(Duration.ofMillis(100))
                .failureTimeout(Duration.ofMillis(1000))
                .safeLog(Path.of(args.get("log")), FsyncPolicy.parse(args.getOrDefault("fsync", "always"), null))
                .build();
        this.group = engine.group("journal");
        group.handle(Note.class, this::onNote);
        group.stateTransfer(Notes.class, () -> new Notes(snapshot()), s -> {
            synchronized (notes) {
                notes.clear();
                notes.addAll(s.ids());
            }
        });
        group.onViewChange(this::onView);
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (String arg : argv) {
            int eq = arg.indexOf('=');
            args.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        new SafeLogMember(args, new PrintStream(System.out, true, StandardCharsets.UTF_8)).run();
    }

    private void say(String line) {
        synchronized (out) {
            out.println(line);
        }
    }

    private void onNote(Note note, DeliveryInfo info) {
        notes.add(note.id());
        if (info.replayed()) {
            replayed++;
        }
    }

    private void onView(View view) {
        say("INSTALLED " + view.id() + " " + view.size() + " replayed=" + replayed);
    }

    private void run() throws Exception {
        engine.start();
        say("READY " + engine.localAddress() + " " + ProcessHandle.current().pid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.trim().split(" ");
            try {
                switch (words[0]) {
                    case "JOIN" -> daemon(() -> {
                        View view = group.join(Duration.ofSeconds(60));
                        say("JOINED " + view.id() + " " + view.size());
                    });
                    case "SEND" -> {
                        int n = Integer.parseInt(words[1]);
                        daemon(() -> send(n));
                    }
                    case "LIST" -> say("LIST " + String.join(",", snapshot()));
                    case "STOP" -> {
                        engine.close();
                        say("BYE");
                        System.exit(0);
                    }
                    default -> say("ERROR unknown command " + line);
                }
            } catch (Exception e) {
                say("ERROR " + line + ": " + e);
            }
        }
        Runtime.getRuntime().halt(3);
    }

    private List<String> snapshot() {
        synchronized (notes) {
            return List.copyOf(notes);
        }
    }

    private void send(int n) {
        Semaphore window = new Semaphore(8);
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = name + "." + ProcessHandle.current().pid() + "-" + (++sent);
            window.acquireUninterruptibly();
            CompletableFuture<Void> f = group.safeSend(new Note(id));
            futures.add(f.whenComplete((ok, e) -> {
                window.release();
                if (e == null) {
                    say("ACKED " + id);
                }
            }));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).handle((ok, e) -> null).join();
        say("SENT " + name);
    }

    private static void daemon(Runnable task) {
        Thread t = new Thread(task);
        t.setDaemon(true);
        t.start();
    }
}
