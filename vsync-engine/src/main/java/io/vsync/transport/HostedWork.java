package io.vsync.transport;

/**
 * Work that runs on a transport's I/O thread between its passes over the sockets: the engine's
 * protocol core, so that a frame read from a socket is handled, and the answers written,
 * by the thread that read it, with no hand-off to another thread (see {@link Transport#host}).
 */
public interface HostedWork {

    /**
     * Runs what is queued and what is due. Called after every pass of the I/O thread.
     *
     * @return how many milliseconds may pass before it must run again if nothing else happens
     */
    long runPass();

    /** True when work is queued: the I/O thread must not block in select. Any thread. */
    boolean hasQueued();
}
