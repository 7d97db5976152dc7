package io.vsync.security;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Captures what the named loggers log (System.Logger goes to java.util.logging here). */
final class LogCapture extends Handler implements AutoCloseable {
    private final List<Logger> loggers;
    final List<String> lines = new CopyOnWriteArrayList<>();

    /** What {@link SecureTransport} logs. */
    LogCapture() {
        this(SecureTransport.class.getName());
    }

    LogCapture(String... loggerNames) {
        loggers = java.util.Arrays.stream(loggerNames).map(Logger::getLogger).toList();
        loggers.forEach(l -> l.addHandler(this));
    }

    @Override
    public void publish(LogRecord record) {
        String text = record.getMessage();
        Object[] params = record.getParameters();
        if (params != null && params.length > 0) {
            text = java.text.MessageFormat.format(text, params);
        }
        lines.add(record.getLevel() + " " + text);
    }

    boolean any(String... fragments) {
        return lines.stream().anyMatch(l -> {
            for (String f : fragments) {
                if (!l.contains(f)) {
                    return false;
                }
            }
            return true;
        });
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        loggers.forEach(l -> l.removeHandler(this));
    }
}
