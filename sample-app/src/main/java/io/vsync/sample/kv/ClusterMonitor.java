package io.vsync.sample.kv;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.vsync.api.DeliveryInfo;
import io.vsync.api.MemberId;
import io.vsync.api.View;
import io.vsync.spring.annotation.OnViewChange;

/**
 * What the page at {@code /} shows: the membership of group {@value KvReplica#GROUP} as this
 * replica saw it change, and how many messages each member's multicasts make per second here.
 */
@Component
public class ClusterMonitor {

    private static final Logger log = LoggerFactory.getLogger(ClusterMonitor.class);

    /** How many view changes are kept. */
    static final int HISTORY = 10;

    /** The rate window, in seconds. */
    static final int WINDOW_SECONDS = 10;

    /**
     * One installed view, as this replica saw it. View ids are 64-bit: they travel as strings so
     * that JavaScript, whose numbers are exact only up to 2^53, shows them exactly.
     */
    public record ViewChange(String viewId, Instant at, String leader, List<String> members, List<String> joined,
            List<String> left, List<String> failed) {
    }

    private final LongSupplier clockMillis;

    private final ArrayDeque<ViewChange> history = new ArrayDeque<>();

    private final Map<MemberId, Rate> rates = new ConcurrentHashMap<>();

    private volatile View view;

    @Autowired
    public ClusterMonitor() {
        this(System::currentTimeMillis);
    }

    ClusterMonitor(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    /** Every new view of the group, in order, on its delivery thread. */
    @OnViewChange(group = KvReplica.GROUP)
    void viewChanged(View view) {
        this.view = view;
        ViewChange change = new ViewChange(Long.toString(view.id()), Instant.ofEpochMilli(this.clockMillis.getAsLong()),
                view.leader().toString(), names(view.members()), names(view.joined()), names(view.left()),
                names(view.failed()));
        synchronized (this.history) {
            this.history.addFirst(change);
            while (this.history.size() > HISTORY) {
                this.history.removeLast();
            }
        }
        this.rates.keySet().retainAll(view.members());
        log.info("kv view {}: {} member(s) {}, leader {}{}{}{}", view.id(), view.size(), change.members(),
                change.leader(), change.joined().isEmpty() ? "" : "; joined " + change.joined(),
                change.left().isEmpty() ? "" : "; left " + change.left(),
                change.failed().isEmpty() ? "" : "; FAILED " + change.failed());
    }

    /** Counts one delivered message (update or read) by its sender. */
    void delivered(DeliveryInfo info) {
        this.rates.computeIfAbsent(info.sender(), m -> new Rate()).count(this.clockMillis.getAsLong() / 1000);
    }

    /** The current view as last installed here, or null before the first. */
    public View view() {
        return this.view;
    }

    /** The last view changes, newest first. */
    public List<ViewChange> viewChanges() {
        synchronized (this.history) {
            return List.copyOf(this.history);
        }
    }

    /** Messages from {@code member} delivered here per second, over the last {@value #WINDOW_SECONDS} s. */
    public double ratePerSecond(MemberId member) {
        Rate rate = this.rates.get(member);
        return (rate != null) ? rate.perSecond(this.clockMillis.getAsLong() / 1000) : 0;
    }

    /** Messages from {@code member} delivered here since it joined. */
    public long delivered(MemberId member) {
        Rate rate = this.rates.get(member);
        return (rate != null) ? rate.total() : 0;
    }

    private static List<String> names(List<MemberId> members) {
        List<String> result = new ArrayList<>(members.size());
        members.forEach(m -> result.add(m.toString()));
        return result;
    }

    /** Counts per second in a ring of {@value #WINDOW_SECONDS} slots. */
    private static final class Rate {

        private final long[] seconds = new long[WINDOW_SECONDS];

        private final long[] counts = new long[WINDOW_SECONDS];

        private long total;

        synchronized void count(long second) {
            int slot = (int) Math.floorMod(second, (long) WINDOW_SECONDS);
            if (this.seconds[slot] != second) {
                this.seconds[slot] = second;
                this.counts[slot] = 0;
            }
            this.counts[slot]++;
            this.total++;
        }

        /** Over the last full window: the current second and the nine before it. */
        synchronized double perSecond(long now) {
            long sum = 0;
            for (int i = 0; i < WINDOW_SECONDS; i++) {
                if (this.seconds[i] > now - WINDOW_SECONDS && this.seconds[i] <= now) {
                    sum += this.counts[i];
                }
            }
            return (double) sum / WINDOW_SECONDS;
        }

        synchronized long total() {
            return this.total;
        }
    }
}
