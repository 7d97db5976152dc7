package io.vsync.runtime;

import io.vsync.api.MetricsListener;
import io.vsync.api.PayloadCodec;
import java.util.concurrent.ScheduledExecutorService;
import io.vsync.membership.ProtocolNode;

/** What a {@link GroupHandle} needs from its engine. */
interface EngineCore {

    /** The protocol core; only to be touched from tasks run by {@link #submit}. */
    ProtocolNode node();

    void submit(Runnable task);

    PayloadCodec codec();

    ClassLoader classLoader();

    int maxMessageSize();

    long sendTimeoutMs();

    void requireRunning();

    /** Timers that are not the protocol's (query timeouts). */
    ScheduledExecutorService scheduler();

    MetricsListener metrics();

    /** The group's safeSend log settings, or null when it has none. */
    io.vsync.durability.SafeLogConfig safeLog(String group);

    /** Protocol thread: opens the group's log writer after recovery read it. */
    void openSafeLog(String group, io.vsync.durability.SafeLogDirectory dir,
                     io.vsync.durability.SafeLogDirectory.Contents contents);

    /** Any thread: saves a checkpoint of the group's state at a position of its safe history. */
    void checkpoint(String group, long viewId, long covered, byte[] state);
}
