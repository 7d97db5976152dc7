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
}
