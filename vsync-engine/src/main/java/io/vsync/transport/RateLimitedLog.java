package io.vsync.transport;

import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Logs each kind of event per peer address at most once per interval, and says how many were
 * left out since. Hostile or refused peers can cause these events at line rate (a refused peer
 * retries, a hostile one connects as fast as it can); the log must not grow with them.
 * Bounded: remembers at most {@value #MAX_KEYS} (kind, address) pairs. Thread-safe. Shared by
 * the transport (TLS and plain refusals) and the security layer.
 */
public final class RateLimitedLog {
    static final int MAX_KEYS = 1024;

    private final System.Logger logger;
    private final long intervalNanos;
    private final Map<String, long[]> last = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
            return size() > MAX_KEYS;
        }
    };

    public RateLimitedLog(System.Logger logger, long interval, TimeUnit unit) {
        this.logger = logger;
        this.intervalNanos = unit.toNanos(interval);
    }

    /**
     * Logs {@code message} (with {@code {0}}-style arguments) unless an event of the same kind
     * from the same address was logged less than an interval ago.
     *
     * @return true when it was logged
     */
    public boolean log(Level level, String kind, String address, String message, Object... args) {
        long now = System.nanoTime();
        long suppressed;
        synchronized (last) {
            String key = kind + '\u0000' + address;
            long[] entry = last.get(key);
            if (entry != null && now - entry[0] < intervalNanos) {
                entry[1]++;
                return false;
            }
            suppressed = entry == null ? 0 : entry[1];
            last.put(key, new long[] {now, 0});
        }
        if (logger.isLoggable(level)) {
            String text = args.length == 0 ? message
                    : java.text.MessageFormat.format(message.replace("'", "''"), args);
            if (suppressed > 0) {
                text += " (" + suppressed + " more like this not logged)";
            }
            logger.log(level, text);
        }
        return true;
    }
}
