package io.vsync.spring.boot.autoconfigure;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.SmartLifecycle;

import io.vsync.api.Group;
import io.vsync.api.GroupStatus;
import io.vsync.api.VsyncEngine;

/**
 * Starts the engine and joins the configured groups when the application context starts
 * (after every annotated handler is registered), and on shutdown leaves the groups gracefully
 * (a clean view change, not a failure timeout) before it closes the engine.
 *
 * <p>Its phase ({@code vsync.lifecycle.phase}) defaults to {@link VsyncProperties#DEFAULT_PHASE}:
 * on shutdown, HTTP requests drain first, then the groups are left, then the web server stops.
 */
public class VsyncLifecycle implements SmartLifecycle {

    private static final Log logger = LogFactory.getLog(VsyncLifecycle.class);

    private static final Set<GroupStatus> TO_LEAVE = EnumSet.of(GroupStatus.JOINING, GroupStatus.MEMBER,
            GroupStatus.VIEW_CHANGE, GroupStatus.PARTITIONED);

    private final VsyncEngine engine;

    private final VsyncProperties properties;

    private final Executor shutdownExecutor;

    private volatile boolean running;

    public VsyncLifecycle(VsyncEngine engine, VsyncProperties properties) {
        this(engine, properties, task -> {
            Thread thread = new Thread(task, "vsync-shutdown");
            thread.setDaemon(true);
            thread.start();
        });
    }

    VsyncLifecycle(VsyncEngine engine, VsyncProperties properties, Executor shutdownExecutor) {
        this.engine = engine;
        this.properties = properties;
        this.shutdownExecutor = shutdownExecutor;
    }

    @Override
    public void start() {
        if (!this.engine.isRunning()) {
            try {
                this.engine.start();
            }
            catch (RuntimeException ex) {
                throw VsyncStartupException.of("Vsync engine could not start listening on "
                        + VsyncEngineConfigurer.bindAddress(this.properties) + ":" + this.properties.getPort() + ": "
                        + ex.getMessage(), ex, this.properties, null);
            }
        }
        this.running = true;
        Map<String, CompletableFuture<?>> joins = new LinkedHashMap<>();
        this.properties.getGroups().forEach((name, options) -> {
            if (options == null || options.isJoinOnStartup()) {
                Group group = this.engine.group(name);
                try {
                    joins.put(name, group.joinAsync());
                }
                catch (RuntimeException ex) {
                    joins.put(name, CompletableFuture.failedFuture(ex));
                }
            }
        });
        long deadline = System.nanoTime() + this.properties.getLifecycle().getJoinTimeout().toNanos();
        for (Map.Entry<String, CompletableFuture<?>> join : joins.entrySet()) {
            String name = join.getKey();
            try {
                join.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                logger.info("Vsync joined group '" + name + "' as " + this.engine.group(name).self());
            }
            catch (TimeoutException ex) {
                throw VsyncStartupException.of("Vsync group '" + name + "' was not joined within "
                        + DurationStyle.SIMPLE.print(this.properties.getLifecycle().getJoinTimeout())
                        + " (vsync.lifecycle.join-timeout)", ex,
                        this.properties, name);
            }
            catch (ExecutionException ex) {
                throw VsyncStartupException.of("Vsync group '" + name + "' could not be joined: "
                        + ex.getCause().getMessage(), ex.getCause(), this.properties, name);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw VsyncStartupException.of("interrupted while joining Vsync group '" + name + "'", ex,
                        this.properties, name);
            }
        }
    }

    @Override
    public void stop() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        stop(() -> done.complete(null));
        done.join();
    }

    @Override
    public void stop(Runnable callback) {
        this.running = false;
        List<CompletableFuture<?>> leaves = new ArrayList<>();
        for (Group group : this.engine.groups()) {
            GroupStatus status = group.status();
            if (status != null && TO_LEAVE.contains(status)) {
                try {
                    leaves.add(group.leaveAsync());
                }
                catch (RuntimeException ex) {
                    logger.warn("Vsync group '" + group.name() + "' could not be left gracefully", ex);
                }
            }
        }
        CompletableFuture.allOf(leaves.toArray(CompletableFuture[]::new))
            .orTimeout(this.properties.getLifecycle().getShutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)
            .whenCompleteAsync((ignored, failure) -> {
                try {
                    if (failure instanceof TimeoutException) {
                        logger.warn("Vsync groups were not all left gracefully within "
                                + DurationStyle.SIMPLE.print(this.properties.getLifecycle().getShutdownTimeout())
                                + " (vsync.lifecycle.shutdown-timeout); closing the engine");
                    }
                    else if (failure != null) {
                        logger.warn("Vsync groups were not all left gracefully; closing the engine", failure);
                    }
                    this.engine.close();
                }
                catch (RuntimeException ex) {
                    logger.warn("Vsync engine did not close cleanly", ex);
                }
                finally {
                    callback.run();
                }
            }, this.shutdownExecutor);
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    @Override
    public int getPhase() {
        return this.properties.getLifecycle().getPhase();
    }

}
