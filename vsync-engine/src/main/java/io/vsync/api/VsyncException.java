package io.vsync.api;

/** Base class of the engine's exceptions. */
public class VsyncException extends RuntimeException {
    public VsyncException(String message) {
        super(message);
    }

    public VsyncException(String message, Throwable cause) {
        super(message, cause);
    }
}
