package io.vsync.transport;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Logs each kind of refusal per key (a peer's address, or its host while it is unidentified)
 * at most once per 10 s, and says how many were left out since: a refused peer retries, and a
 * hostile one connects at line rate; the log must not grow with either. Bounded. Thread-safe.
 */
final class LogLimiter {
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int MAX_KEYS = 1024;

    private final Logger logger;
    private final Map<String, long[]> last = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
            return size() > MAX_KEYS;
        }
    };

    LogLimiter(Logger logger) {
        this.logger = logger;
    }

    void log(Level level, String kind, String key, String message) {
        long now = System.nanoTime();
        long suppressed;
        synchronized (last) {
            String k = kind + '\u0000' + key;
            long[] entry = last.get(k);
            if (entry != null && now - entry[0] < INTERVAL_NANOS) {
                entry[1]++;
                return;
            }
            suppressed = entry == null ? 0 : entry[1];
            last.put(k, new long[] {now, 0});
        }
        logger.log(level, suppressed > 0 ? message + " (" + suppressed + " more like this not logged)" : message);
    }
}
