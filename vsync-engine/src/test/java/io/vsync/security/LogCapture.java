package io.vsync.security;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Captures what {@link SecureTransport} logs (System.Logger goes to java.util.logging here). */
final class LogCapture extends Handler implements AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger(SecureTransport.class.getName());
    final List<String> lines = new CopyOnWriteArrayList<>();

    LogCapture() {
        LOGGER.addHandler(this);
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
        LOGGER.removeHandler(this);
    }
}
