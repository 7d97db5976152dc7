package io.vsync.tools.perf;

/**
 * One line a perf member prints for the driver: a tag, then words and {@code key=value} pairs,
 * separated by single spaces.
 *
 * <p>Built with a StringBuilder rather than {@code +}: each {@code +} call site links through
 * method handles the first time it runs, and the member's own lines were most of the classes a
 * member JVM spun at start-up, enough to make the JIT compile the JDK's class writer while the
 * engine's hot paths waited in the queue (docs/benchmarks.md, Finding 14).
 */
final class Line {
    private final StringBuilder text;

    Line(String tag) {
        text = new StringBuilder(128).append(tag);
    }

    Line word(Object word) {
        text.append(' ').append(word);
        return this;
    }

    Line kv(String key, Object value) {
        text.append(' ').append(key).append('=').append(value);
        return this;
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
