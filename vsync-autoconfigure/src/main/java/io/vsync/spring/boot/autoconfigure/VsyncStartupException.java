package io.vsync.spring.boot.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

import io.vsync.api.VsyncException;

/**
 * The Vsync engine could not be built, started, or could not join its groups at startup. It
 * carries the settings involved, so that its failure analysis can say which property to
 * change.
 */
public class VsyncStartupException extends VsyncException {

    private final String bindAddress;

    private final int port;

    private final List<String> seeds;

    private final @Nullable String seedDns;

    private final @Nullable String group;

    public VsyncStartupException(String message, @Nullable Throwable cause, String bindAddress, int port,
            List<String> seeds, @Nullable String seedDns, @Nullable String group) {
        super(message, cause);
        this.bindAddress = bindAddress;
        this.port = port;
        this.seeds = List.copyOf(seeds);
        this.seedDns = seedDns;
        this.group = group;
    }

    static VsyncStartupException of(String message, @Nullable Throwable cause, VsyncProperties properties,
            @Nullable String group) {
        return new VsyncStartupException(message, cause, VsyncEngineConfigurer.bindAddress(properties),
                properties.getPort(), properties.getSeeds(), properties.getSeedDns(), group);
    }

    /** The address the engine was to listen on. */
    public String getBindAddress() {
        return this.bindAddress;
    }

    /** The port the engine was to listen on. */
    public int getPort() {
        return this.port;
    }

    /** The configured seeds ({@code vsync.seeds}). */
    public List<String> getSeeds() {
        return this.seeds;
    }

    /** The configured seed DNS name ({@code vsync.seed-dns}), or null. */
    public @Nullable String getSeedDns() {
        return this.seedDns;
    }

    /** The group that could not be joined, or null when the engine itself failed. */
    public @Nullable String getGroup() {
        return this.group;
    }

}
