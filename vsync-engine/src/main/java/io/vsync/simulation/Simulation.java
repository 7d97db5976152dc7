package io.vsync.simulation;

import io.vsync.api.DeliveryKind;
import io.vsync.api.GroupStatus;
import io.vsync.api.MemberId;
import io.vsync.api.Quorum;
import io.vsync.api.View;
import io.vsync.history.CheckOptions;
import io.vsync.history.CheckResult;
import io.vsync.history.Checker;
import io.vsync.history.HistoryRecorder;
import io.vsync.membership.ProtocolNode;
import io.vsync.message.ProtocolMessage;
import io.vsync.protocol.Effects;
import io.vsync.protocol.ProtocolConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One deterministic run: N processes running the real protocol core on a virtual clock over a
 * simulated network, a random workload of the four multicasts and of queries, each process
 * running a {@link SimulatedApplication} (a state that joiners receive by state transfer), and a random
 * schedule of crashes, restarts, partitions, pauses, slow links and broken connections, all
 * drawn from one seed. Then the faults stop, the group settles, and the checker verifies the
 * recorded history. A run is a pure function of (seed, config): replaying a seed replays the
 * run exactly.
 */
public final class Simulation {

    static final String GROUP = "sim";
    private static final long TICK_MICROS = 5_000;
    private static final DeliveryKind[] KINDS = {
        DeliveryKind.ORDERED, DeliveryKind.ORDERED, DeliveryKind.FIFO, DeliveryKind.FIFO,
        DeliveryKind.CAUSAL, DeliveryKind.SAFE};
    private static final Quorum[] QUORUMS = {Quorum.ALL, Quorum.MAJORITY, Quorum.of(1), Quorum.of(2)};

    private final long seed;
    private final SimulationConfig config;
    private final SplittableRandom random;
    private final SimulatedNetwork network;
    private final HistoryRecorder recorder = new HistoryRecorder();
    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>();
    private final Process[] processes;
    private final Map<String, Integer> byAddress = new HashMap<>();
    private final List<String> addresses = new ArrayList<>();
    private final List<String> trace = new ArrayList<>();
    private long nowMicros;
    private long order;
    private long events;
    private long deliveries;
    private long sends;
    private long faults;
    private long incarnations;
    private final SimulatedApplication.Counters application = new SimulatedApplication.Counters();
    /** Non-null in the full-restart scenario: every process has a disk and a safeSend log. */
    private final FullRestart fullRestart;

    public Simulation(long seed, SimulationConfig config) {
        this(seed, config, null);
    }

    Simulation(long seed, SimulationConfig config, FullRestart fullRestart) {
        this.fullRestart = fullRestart;
        this.seed = seed;
        this.config = config;
        this.random = new SplittableRandom(seed);
        this.network = new SimulatedNetwork(config.nodes(), random.split());
        this.processes = new Process[config.nodes()];
        for (int i = 0; i < config.nodes(); i++) {
            String address = "node" + (i + 1) + ":7800";
            addresses.add(address);
            byAddress.put(address, i);
        }
        for (int i = 0; i < config.nodes(); i++) {
            processes[i] = new Process(i);
        }
    }

    // ---------------------------------------------------------------- the run

    public SimulationResult run() {
        long faultEnd = config.faultPhaseMs() * 1000;
        long end = faultEnd + config.settleMs() * 1000;
        // Everyone starts at the same instant: the creation race must still make one group.
        for (Process p : processes) {
            at(0, () -> p.start());
        }
        if (fullRestart != null) {
            fullRestart.schedule(faultEnd, processes.length, this::at, this::crash, this::restart);
        } else {
            scheduleFaults(faultEnd);
        }
        while (!queue.isEmpty()) {
            Scheduled next = queue.poll();
            if (next.time > end) {
                break;
            }
            nowMicros = next.time;
            events++;
            next.action.run();
        }
        return check();
    }

    /** Queries asked in the run (after {@link #run()}). */
    public long queries() {
        return application.queries;
    }

    /** Replies computed in the run. */
    public long queryAnswers() {
        return application.answers;
    }

    /** Checkpoints loaded by joiners in the run. */
    public long stateTransfers() {
        return application.stateTransfers;
    }

    private SimulationResult check() {
        Map<String, Set<MemberId>> alive = new HashMap<>();
        Set<MemberId> members = new HashSet<>();
        for (Process p : processes) {
            if (p.node != null && p.node.status(GROUP) == GroupStatus.MEMBER) {
                members.add(p.node.self(GROUP));
            } else if (p.node != null) {
                trace("end: " + p.address() + " is " + p.node.status(GROUP) + ", not a member");
                members.add(p.node.self(GROUP) != null ? p.node.self(GROUP) : new MemberId(p.address(), -1));
            }
        }
        alive.put(GROUP, members);
        CheckResult result = new Checker().check(recorder.events(), new CheckOptions(true, alive));
        if (fullRestart != null) {
            result = fullRestart.check(result);
        }
        return new SimulationResult(seed, config, result, events, sends, deliveries, faults, List.copyOf(trace));
    }

    // ---------------------------------------------------------------- faults

    private void scheduleFaults(long faultEnd) {
        long t = 300_000;
        while (true) {
            t += 1 + random.nextLong(2 * config.meanFaultGapMs() * 1000);
            if (t >= faultEnd) {
                break;
            }
            long when = t;
            int kind = random.nextInt(100);
            int victim = random.nextInt(config.nodes());
            if (kind < 20) {
                long downFor = 100_000 + random.nextLong(1_500_000);
                at(when, () -> crash(victim));
                at(Math.min(when + downFor, faultEnd), () -> restart(victim));
            } else if (kind < 40) {
                Set<Integer> side = new HashSet<>();
                for (int i = 0; i < config.nodes(); i++) {
                    if (random.nextBoolean()) {
                        side.add(i);
                    }
                }
                long healAfter = 50_000 + random.nextLong(2_000_000);
                at(when, () -> partition(side));
                at(Math.min(when + healAfter, faultEnd), this::heal);
            } else if (kind < 55) {
                long pauseFor = 50_000 + random.nextLong(3 * config.failureTimeoutMs() * 1000);
                at(when, () -> processes[victim].pause(Math.min(when + pauseFor, faultEnd)));
            } else if (kind < 75) {
                int other = random.nextInt(config.nodes());
                if (other != victim) {
                    at(when, () -> {
                        faults++;
                        trace("break connection " + victim + "<->" + other);
                        network.breakConnection(victim, other);
                    });
                }
            } else if (kind < 85) {
                int other = random.nextInt(config.nodes());
                long extra = 2_000 + random.nextLong(60_000);
                long until = Math.min(when + 50_000 + random.nextLong(1_000_000), faultEnd);
                at(when, () -> {
                    faults++;
                    network.slowLink(victim, other, extra, until);
                });
            } else if (kind < 95) {
                long backAfter = 50_000 + random.nextLong(1_000_000);
                at(when, () -> processes[victim].leave());
                at(Math.min(when + backAfter, faultEnd), () -> processes[victim].join());
            } else {
                at(when, () -> crash(victim));
                at(faultEnd, () -> restart(victim));
            }
        }
        // Whatever happened, at the end every process is up, connected and in the group.
        at(faultEnd, () -> {
            heal();
            for (Process p : processes) {
                if (p.node == null) {
                    restart(p.index);
                } else {
                    p.join();
                }
            }
        });
    }

    private void crash(int victim) {
        Process p = processes[victim];
        if (p.node != null) {
            faults++;
            trace("crash " + p.address());
            p.node = null;
            p.disk.crash();
            p.pausedUntil = -1;
            p.deferred.clear();
            network.resetConnections(victim);
        }
    }

    private void restart(int victim) {
        Process p = processes[victim];
        if (p.node == null) {
            trace("restart " + p.address());
            p.start();
        }
    }

    private void partition(Set<Integer> side) {
        faults++;
        trace("partition " + side);
        network.partition(side);
    }

    private void heal() {
        trace("heal");
        network.heal();
    }

    // ---------------------------------------------------------------- scheduling

    private void at(long time, Runnable action) {
        queue.add(new Scheduled(time, order++, action));
    }

    private record Scheduled(long time, long order, Runnable action) implements Comparable<Scheduled> {
        @Override
        public int compareTo(Scheduled other) {
            int c = Long.compare(time, other.time);
            return c != 0 ? c : Long.compare(order, other.order);
        }
    }

    private void trace(String line) {
        if (trace.size() < 2_000) {
            trace.add(String.format("%9.3f ms  %s", nowMicros / 1000.0, line));
        }
    }

    // ---------------------------------------------------------------- one process

    private final class Process implements Effects {
        final int index;
        ProtocolNode node;
        SimulatedApplication app;
        long incarnation;
        long pausedUntil = -1;
        final List<Runnable> deferred = new ArrayList<>();
        final long[] lastRefused = new long[config.nodes()];
        final SimulatedDisk disk = new SimulatedDisk();
        boolean wantsMember = true;

        Process(int index) {
            this.index = index;
            java.util.Arrays.fill(lastRefused, Long.MIN_VALUE / 2);
        }

        String address() {
            return addresses.get(index);
        }

        void start() {
            // The start time in virtual milliseconds (unique across the run), as real processes use
            // their start time.
            incarnation = Math.max(incarnations + 1, nowMs() + 1);
            incarnations = incarnation;
            ProtocolConfig protocolConfig = new ProtocolConfig(address(), incarnation, addresses,
                    config.heartbeatMs(), config.failureTimeoutMs(), Math.max(50, config.failureTimeoutMs() / 2),
                    20, 50, 60 * 1024);
            node = new ProtocolNode(protocolConfig, this, recorder, line -> trace(address() + ": " + line));
            network.resetConnections(index);
            ProtocolNode started = node;
            app = new SimulatedApplication(GROUP, started, recorder, application,
                    () -> {
                        if (wantsMember) {
                            started.leave(nowMs(), GROUP);
                            started.join(nowMs(), GROUP);
                        }
                    },
                    work -> at(nowMicros, () -> onNode(started, work)),
                    line -> trace(address() + ": " + line), Simulation.this::nowMs);
            long firstTick = nowMicros + random.nextLong(TICK_MICROS);
            at(firstTick, () -> tick(started));
            at(nowMicros + random.nextLong(config.sendEveryMs() * 1000), () -> workload(started));
            if (wantsMember && fullRestart != null) {
                long position = fullRestart.recover(address(), disk, recorder.events());
                onNode(started, () -> node.join(nowMs(), GROUP, position));
            } else if (wantsMember) {
                onNode(started, () -> node.join(nowMs(), GROUP));
            }
        }

        void join() {
            wantsMember = true;
            if (node != null) {
                ProtocolNode current = node;
                onNode(current, () -> current.join(nowMs(), GROUP));
            }
        }

        void leave() {
            if (node != null) {
                faults++;
                trace("leave " + address());
                wantsMember = false;
                ProtocolNode current = node;
                onNode(current, () -> current.leave(nowMs(), GROUP));
            }
        }

        void pause(long until) {
            if (node != null && pausedUntil < 0) {
                faults++;
                trace("pause " + address() + " until " + until / 1000 + " ms");
                pausedUntil = until;
                ProtocolNode paused = node;
                at(until, () -> resume(paused));
            }
        }

        private void resume(ProtocolNode paused) {
            if (node != paused) {
                return;
            }
            trace("resume " + address());
            pausedUntil = -1;
            List<Runnable> backlog = new ArrayList<>(deferred);
            deferred.clear();
            for (Runnable r : backlog) {
                r.run();
            }
        }

        /** Runs an event against this process if it is still the same incarnation; defers it while paused. */
        void onNode(ProtocolNode expected, Runnable event) {
            if (node != expected) {
                return;
            }
            if (pausedUntil >= 0) {
                deferred.add(event);
                return;
            }
            event.run();
            node.flush();
            synced(node);
        }

        /** End of a batch with a log: sync, then the core may acknowledge what is durable. */
        private void synced(ProtocolNode current) {
            if (fullRestart != null && current == node) {
                long ticket = disk.fsync();
                if (ticket > 0) {
                    current.onPersisted(nowMs(), ticket);
                    current.flush();
                }
            }
        }

        private void tick(ProtocolNode expected) {
            if (node != expected) {
                return;
            }
            if (pausedUntil < 0) {
                node.onTick(nowMs());
                app.tick(nowMs());
                node.flush();
                synced(node);
            }
            at(Math.max(nowMicros + TICK_MICROS, pausedUntil), () -> tick(expected));
        }

        private void workload(ProtocolNode expected) {
            if (node != expected) {
                return;
            }
            GroupStatus status = node.status(GROUP);
            if (pausedUntil < 0 && (status == GroupStatus.MEMBER || status == GroupStatus.VIEW_CHANGE)
                    && nowMicros < config.faultPhaseMs() * 1000 + config.settleMs() * 1000 / 3) {
                int choice = random.nextInt(KINDS.length + 1);
                if (choice == KINDS.length) {
                    app.query(nowMs(), QUORUMS[random.nextInt(QUORUMS.length)]);
                } else {
                    DeliveryKind kind = KINDS[choice];
                    int size = random.nextInt(200) == 0 ? 70_000 + random.nextInt(100_000) : 1 + random.nextInt(200);
                    byte[] payload = SimulatedApplication.message(new byte[size]);
                    if (node.send(nowMs(), GROUP, kind, payload) > 0) {
                        sends++;
                    }
                }
                node.flush();
                synced(node);
            }
            at(nowMicros + 1 + random.nextLong(2 * config.sendEveryMs() * 1000), () -> workload(expected));
        }

        // ------------------------------------------------------------ effects

        @Override
        public void send(String address, ProtocolMessage message) {
            Integer to = byAddress.get(address);
            if (to == null || to == index) {
                return;
            }
            Process target = processes[to];
            if (network.isBlocked(index, to)) {
                return;
            }
            if (target.node == null) {
                // A connection to a dead process is refused at once (TCP RST), like a real one; the
                // real transport retries a refused address at most every 50 ms.
                if (nowMicros - lastRefused[to] < 50_000) {
                    return;
                }
                lastRefused[to] = nowMicros;
                ProtocolNode self = node;
                at(nowMicros + 200, () -> onNode(self, () -> self.onPeerUnreachable(nowMs(), address)));
                return;
            }
            long arrival = network.arrivalTime(index, to, nowMicros);
            SimulatedNetwork.InFlight frame = new SimulatedNetwork.InFlight(index, to, network.epoch(index, to), message);
            ProtocolNode receiver = target.node;
            String from = address();
            at(arrival, () -> {
                if (network.current(frame)) {
                    target.onNode(receiver, () -> receiver.onMessage(nowMs(), from, message));
                }
            });
        }

        @Override
        public void send(Collection<String> to, ProtocolMessage message) {
            for (String address : to) {
                send(address, message);
            }
        }

        @Override
        public void deliver(String group, MemberId sender, long msgNo, long viewId, DeliveryKind kind, byte[] payload) {
            if (kind != DeliveryKind.P2P) {
                deliveries++;
            }
            app.deliver(sender, msgNo, viewId, kind, payload);
        }

        @Override
        public void viewInstalled(String group, View view) {
            trace(address() + " installs view " + view.id() + " " + view.members());
            app.viewInstalled(nowMs(), view);
            if (fullRestart != null) {
                fullRestart.viewInstalled(address(), view);
            }
        }

        @Override
        public void persist(String group, long ticket, io.vsync.durability.SafeRecord record) {
            disk.append(ticket, record);
        }

        @Override
        public void statusChanged(String group, GroupStatus status) {
            trace(address() + " is " + status);
            app.statusChanged(status);
        }

        @Override
        public void released(String group, long bytes) {
        }
    }

    private long nowMs() {
        return nowMicros / 1000;
    }
}
