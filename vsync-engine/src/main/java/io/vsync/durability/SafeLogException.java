package io.vsync.durability;

import io.vsync.api.VsyncException;

/** The safeSend log cannot be read or written; the message names the file. */
public final class SafeLogException extends VsyncException {

    public SafeLogException(String message) {
        super(message);
    }

    public SafeLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
