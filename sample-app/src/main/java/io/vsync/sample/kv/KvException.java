package io.vsync.sample.kv;

import java.util.Map;

/** A request the service refuses or cannot serve, with the HTTP status to answer. */
public class KvException extends RuntimeException {

    private final int status;

    private final String title;

    private final Map<String, Object> properties;

    public KvException(int status, String title, String detail) {
        this(status, title, detail, Map.of());
    }

    public KvException(int status, String title, String detail, Map<String, Object> properties) {
        super(detail);
        this.status = status;
        this.title = title;
        this.properties = properties;
    }

    public int status() {
        return this.status;
    }

    public String title() {
        return this.title;
    }

    public Map<String, Object> properties() {
        return this.properties;
    }
}
