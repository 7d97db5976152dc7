package io.vsync.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * A timed sequence of faults — crash a member, partition the members, heal — for an
 * {@link InMemoryNetwork} or anything else that implements {@link Target} (the Spring test
 * cluster does). Members are numbered {@code 0..members-1}.
 *
 * <p>{@link #random(long, int, Duration)} makes a schedule from a seed: the same seed and
 * settings give the same steps at the same times, on every machine and JDK (it uses
 * {@link java.util.Random}, whose algorithm is specified, on a scrambled seed). When a test fails under faults, its
 * seed replays the same fault sequence. The engines' thread timing still differs between runs,
 * so a replay is the same faults, not the same interleaving of every frame.
 *
 * <pre>{@code
 * FaultSchedule schedule = FaultSchedule.random(seed, 5, Duration.ofSeconds(20));
 * System.out.println(schedule);            // the seed and every step, for the test's log
 * FaultSchedule.Run run = network.play(schedule, addresses);
 * run.await(Duration.ofSeconds(60));        // every step applied
 * }</pre>
 *
 * Random schedules keep a majority of the members uncrashed (by default at most
 * {@code (members - 1) / 2} crashes), so that a primary partition can survive, and end healed.
 */
public final class FaultSchedule {

    private static final System.Logger LOG = System.getLogger(FaultSchedule.class.getName());

    /** One fault. */
    public sealed interface Fault permits Crash, Partition, Heal {
    }

    /** Crash one member: it stops at once and does not come back. */
    public record Crash(int member) implements Fault {
        public Crash {
            if (member < 0) {
                throw new IllegalArgumentException("member " + member);
            }
        }

        @Override
        public String toString() {
            return "crash " + member;
        }
    }

    /** Cut the members into sides that cannot reach each other. */
    public record Partition(List<Set<Integer>> sides) implements Fault {
        public Partition {
            List<Set<Integer>> copy = new ArrayList<>();
            Set<Integer> seen = new HashSet<>();
            for (Set<Integer> side : sides) {
                for (int member : side) {
                    if (!seen.add(member)) {
                        throw new IllegalArgumentException("member " + member + " is on two sides of " + sides);
                    }
                }
                copy.add(Collections.unmodifiableSet(new TreeSet<>(side)));
            }
            sides = List.copyOf(copy);
        }

        @Override
        public String toString() {
            return "partition " + sides.stream().map(Object::toString).collect(Collectors.joining(" | "));
        }
    }

    /** End the partition (crashed members stay crashed). */
    public record Heal() implements Fault {
        @Override
        public String toString() {
            return "heal";
        }
    }

    /** A fault and when it strikes, counted from the start of {@link #play}. */
    public record Step(Duration at, Fault fault) {
        public Step {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(fault, "fault");
            if (at.isNegative()) {
                throw new IllegalArgumentException("a step cannot be before the start: " + at);
            }
        }

        @Override
        public String toString() {
            return "+" + format(at) + " " + fault;
        }
    }

    /** What a schedule acts on: members by number. */
    public interface Target {
        void crash(int member);

        void partition(List<Set<Integer>> sides);

        void heal();
    }

    private final OptionalLong seed;
    private final int members;
    private final List<Step> steps;

    private FaultSchedule(OptionalLong seed, int members, List<Step> steps) {
        if (members < 1) {
            throw new IllegalArgumentException("a schedule needs at least one member, got " + members);
        }
        List<Step> sorted = new ArrayList<>(steps);
        sorted.sort((a, b) -> a.at().compareTo(b.at())); // stable: steps at one time keep their order
        for (Step step : sorted) {
            checkMembers(step.fault(), members);
        }
        this.seed = seed;
        this.members = members;
        this.steps = List.copyOf(sorted);
    }

    private static void checkMembers(Fault fault, int members) {
        List<Integer> named = List.of();
        if (fault instanceof Crash c) {
            named = List.of(c.member());
        } else if (fault instanceof Partition p) {
            named = p.sides().stream().flatMap(Set::stream).toList();
        }
        for (int member : named) {
            if (member >= members) {
                throw new IllegalArgumentException(fault + " names member " + member + " of " + members);
            }
        }
    }

    /** A random schedule over {@code duration} with the default settings of {@link Generator}. */
    public static FaultSchedule random(long seed, int members, Duration duration) {
        return random(seed, members).duration(duration).generate();
    }

    /** Settings for a random schedule; {@link Generator#generate()} makes it. */
    public static Generator random(long seed, int members) {
        return new Generator(seed, members);
    }

    /** A schedule of given steps. */
    public static FaultSchedule of(int members, List<Step> steps) {
        return new FaultSchedule(OptionalLong.empty(), members, steps);
    }

    /** A schedule of given steps, built one at a time. */
    public static Builder builder(int members) {
        return new Builder(members);
    }

    /** The seed the schedule was made from; empty for a hand-made one. */
    public OptionalLong seed() {
        return seed;
    }

    public int members() {
        return members;
    }

    /** The steps in time order. */
    public List<Step> steps() {
        return steps;
    }

    /** When the last step strikes. */
    public Duration duration() {
        return steps.isEmpty() ? Duration.ZERO : steps.get(steps.size() - 1).at();
    }

    /**
     * Starts applying the steps to {@code target}, each at its time from now, on a thread of its
     * own. A step that throws stops the run; {@link Run#await} reports it.
     */
    public Run play(Target target) {
        Run run = new Run(this, Objects.requireNonNull(target, "target"));
        run.start();
        return run;
    }

    /** The seed (if any) and every step, one per line: paste it into a bug report. */
    public String describe() {
        StringBuilder text = new StringBuilder(header());
        for (Step step : steps) {
            text.append("\n  ").append(step);
        }
        return text.toString();
    }

    private String header() {
        return "FaultSchedule[" + (seed.isPresent() ? "seed " + seed.getAsLong() + ", " : "") + members + " members, "
                + steps.size() + " steps]";
    }

    @Override
    public String toString() {
        return header() + ": " + steps.stream().map(Step::toString).collect(Collectors.joining("; "));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FaultSchedule s && s.seed.equals(seed) && s.members == members && s.steps.equals(steps);
    }

    @Override
    public int hashCode() {
        return Objects.hash(seed, members, steps);
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + "s" : String.format(java.util.Locale.ROOT, "%.3fs", ms / 1000.0);
    }

    // ================================================================ making schedules

    /** Builds a schedule from given steps. */
    public static final class Builder {
        private final int members;
        private final List<Step> steps = new ArrayList<>();

        private Builder(int members) {
            this.members = members;
        }

        public Builder at(Duration at, Fault fault) {
            steps.add(new Step(at, fault));
            return this;
        }

        public Builder crash(Duration at, int member) {
            return at(at, new Crash(member));
        }

        @SafeVarargs
        public final Builder partition(Duration at, Set<Integer>... sides) {
            return at(at, new Partition(List.of(sides)));
        }

        public Builder heal(Duration at) {
            return at(at, new Heal());
        }

        public FaultSchedule build() {
            return new FaultSchedule(OptionalLong.empty(), members, steps);
        }
    }

    /**
     * Settings of a random schedule. Steps come every {@code meanInterval} on average (uniformly
     * between half and one and a half of it) until {@code duration}. Each step is a partition
     * (weight 2), a crash of a member not yet crashed (weight 1, while fewer than
     * {@code maxCrashes}), or, when partitioned, a heal (weight 2). A partition cuts the members
     * into two non-empty sides at random. With {@code healAtEnd} (the default) a partition still
     * in place at {@code duration} is healed then.
     */
    public static final class Generator {
        private final long seed;
        private final int members;
        private Duration duration = Duration.ofSeconds(10);
        private Duration meanInterval = Duration.ofSeconds(1);
        private int maxCrashes;
        private boolean crashes = true;
        private boolean partitions = true;
        private boolean healAtEnd = true;

        private Generator(long seed, int members) {
            if (members < 1) {
                throw new IllegalArgumentException("a schedule needs at least one member, got " + members);
            }
            this.seed = seed;
            this.members = members;
            this.maxCrashes = (members - 1) / 2;
        }

        /** How long the faults go on (default 10 s). */
        public Generator duration(Duration duration) {
            this.duration = requirePositive(duration, "duration");
            return this;
        }

        /** Mean time between two steps (default 1 s). */
        public Generator meanInterval(Duration interval) {
            this.meanInterval = requirePositive(interval, "meanInterval");
            return this;
        }

        /** Most members crashed (default: a minority, {@code (members - 1) / 2}). */
        public Generator maxCrashes(int max) {
            if (max < 0 || max > members) {
                throw new IllegalArgumentException("maxCrashes " + max + " of " + members + " members");
            }
            this.maxCrashes = max;
            return this;
        }

        /** Whether to crash members at all (default true). */
        public Generator crashes(boolean enabled) {
            this.crashes = enabled;
            return this;
        }

        /** Whether to partition at all (default true). */
        public Generator partitions(boolean enabled) {
            this.partitions = enabled;
            return this;
        }

        /** Whether a partition in place at the end is healed (default true). */
        public Generator healAtEnd(boolean heal) {
            this.healAtEnd = heal;
            return this;
        }

        /**
         * SplitMix64's finalizer: nearby seeds (1, 2, 3…) give unrelated first numbers, which
         * java.util.Random alone does not.
         */
        private static long mix(long seed) {
            long z = seed + 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        private static Duration requirePositive(Duration d, String what) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d);
            }
            return d;
        }

        public FaultSchedule generate() {
            Random random = new Random(mix(seed));
            List<Step> steps = new ArrayList<>();
            Set<Integer> crashed = new TreeSet<>();
            boolean partitioned = false;
            long meanMs = Math.max(1, meanInterval.toMillis());
            long endMs = duration.toMillis();
            long t = 0;
            while (true) {
                t += meanMs / 2 + (long) (random.nextDouble() * meanMs);
                if (t > endMs) {
                    break;
                }
                boolean canCrash = crashes && crashed.size() < maxCrashes;
                boolean canPartition = partitions && members >= 2;
                int healWeight = partitioned ? 2 : 0;
                int partitionWeight = canPartition ? 2 : 0;
                int crashWeight = canCrash ? 1 : 0;
                int total = healWeight + partitionWeight + crashWeight;
                if (total == 0) {
                    break;
                }
                int pick = random.nextInt(total);
                Fault fault;
                if (pick < healWeight) {
                    fault = new Heal();
                    partitioned = false;
                } else if (pick < healWeight + partitionWeight) {
                    List<Integer> order = new ArrayList<>();
                    for (int m = 0; m < members; m++) {
                        order.add(m);
                    }
                    Collections.shuffle(order, random);
                    int cut = 1 + random.nextInt(members - 1);
                    fault = new Partition(List.of(new TreeSet<>(order.subList(0, cut)),
                            new TreeSet<>(order.subList(cut, members))));
                    partitioned = true;
                } else {
                    List<Integer> alive = new ArrayList<>();
                    for (int m = 0; m < members; m++) {
                        if (!crashed.contains(m)) {
                            alive.add(m);
                        }
                    }
                    int member = alive.get(random.nextInt(alive.size()));
                    crashed.add(member);
                    fault = new Crash(member);
                }
                steps.add(new Step(Duration.ofMillis(t), fault));
            }
            if (partitioned && healAtEnd) {
                steps.add(new Step(duration, new Heal()));
            }
            return new FaultSchedule(OptionalLong.of(seed), members, steps);
        }
    }

    // ================================================================ playing

    /** A schedule being applied. */
    public static final class Run {
        private final FaultSchedule schedule;
        private final Target target;
        private final List<Step> applied = new CopyOnWriteArrayList<>();
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile Throwable failure;
        private volatile boolean cancelled;
        private Thread thread;

        private Run(FaultSchedule schedule, Target target) {
            this.schedule = schedule;
            this.target = target;
        }

        private void start() {
            long start = System.nanoTime();
            LOG.log(System.Logger.Level.INFO, "playing {0}", schedule.describe());
            thread = new Thread(() -> {
                try {
                    for (Step step : schedule.steps) {
                        long due = start + step.at().toNanos();
                        while (!cancelled && System.nanoTime() < due) {
                            LockSupport.parkNanos(due - System.nanoTime());
                        }
                        if (cancelled) {
                            return;
                        }
                        LOG.log(System.Logger.Level.INFO, "fault schedule{0}: {1}",
                                schedule.seed.isPresent() ? " (seed " + schedule.seed.getAsLong() + ")" : "", step);
                        Fault fault = step.fault();
                        if (fault instanceof Crash c) {
                            target.crash(c.member());
                        } else if (fault instanceof Partition p) {
                            target.partition(p.sides());
                        } else {
                            target.heal();
                        }
                        applied.add(step);
                    }
                } catch (Throwable e) {
                    failure = e;
                } finally {
                    done.countDown();
                }
            }, "vsync-fault-schedule");
            thread.setDaemon(true);
            thread.start();
        }

        /** The schedule being played. */
        public FaultSchedule schedule() {
            return schedule;
        }

        /** The steps applied so far. */
        public List<Step> applied() {
            return List.copyOf(applied);
        }

        /** Whether every step was applied, the run was cancelled, or a step failed. */
        public boolean isDone() {
            return done.getCount() == 0;
        }

        /**
         * Waits until every step is applied.
         *
         * @return false when the wait timed out
         * @throws IllegalStateException when a step threw (with it as the cause)
         */
        public boolean await(Duration timeout) throws InterruptedException {
            boolean finished = done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
            Throwable f = failure;
            if (f != null) {
                throw new IllegalStateException("fault schedule failed after " + applied.size() + " steps: "
                        + schedule.describe(), f);
            }
            return finished;
        }

        /** Stops applying steps (one being applied finishes). */
        public void cancel() {
            cancelled = true;
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }
}
