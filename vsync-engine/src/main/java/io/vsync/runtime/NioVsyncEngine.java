package io.vsync.runtime;

import io.vsync.api.VsyncEngine;

/** The engine over the NIO TCP transport. (Being written: see issue 2.) */
public final class NioVsyncEngine {
    private NioVsyncEngine() {
    }

    public static VsyncEngine.Builder builder() {
        throw new UnsupportedOperationException("not yet built");
    }
}
