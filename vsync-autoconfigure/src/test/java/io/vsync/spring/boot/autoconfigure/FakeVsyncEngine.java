package io.vsync.spring.boot.autoconfigure;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.vsync.api.EngineStats;
import io.vsync.api.SecurityStatus;
import io.vsync.api.Group;
import io.vsync.api.VsyncEngine;

/** In-memory stand-in for the engine: records what the Spring layer does with it. */
public class FakeVsyncEngine implements VsyncEngine {

    /** What happened, in order: "start", "handle:accounts:Deposit", "join:accounts", "leave:accounts", "close". */
    public final List<String> events = Collections.synchronizedList(new ArrayList<>());

    private final Map<String, FakeGroup> groups = new LinkedHashMap<>();

    private final String nodeName;

    private volatile boolean running;

    public volatile EngineStats stats = new EngineStats(10, 20, 1000, 2000, 3, 2);

    public volatile SecurityStatus security = SecurityStatus.off();

    /** Thrown by start() when set. */
    public volatile Supplier<RuntimeException> startFailure;

    public FakeVsyncEngine() {
        this("fake-node");
    }

    public FakeVsyncEngine(String nodeName) {
        this.nodeName = nodeName;
    }

    @Override
    public void start() {
        if (this.startFailure != null) {
            throw this.startFailure.get();
        }
        this.events.add("start");
        this.running = true;
    }

    @Override
    public synchronized FakeGroup group(String name) {
        return this.groups.computeIfAbsent(name, n -> new FakeGroup(n, this));
    }

    @Override
    public synchronized Collection<Group> groups() {
        return List.copyOf(this.groups.values());
    }

    @Override
    public String nodeName() {
        return this.nodeName;
    }

    @Override
    public String localAddress() {
        return "127.0.0.1:7800";
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    public void setRunning(boolean running) {
        this.running = running;
    }

    @Override
    public EngineStats stats() {
        return this.stats;
    }

    @Override
    public SecurityStatus securityStatus() {
        return this.security;
    }

    @Override
    public void close() {
        if (this.running) {
            this.events.add("close");
        }
        this.running = false;
    }

}
