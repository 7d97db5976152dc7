package io.vsync.spring.boot.autoconfigure;

import java.net.BindException;
import java.net.UnknownHostException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a {@link VsyncStartupException} and says which {@code vsync.*} property to change. */
class VsyncStartupFailureAnalyzer extends AbstractFailureAnalyzer<VsyncStartupException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, VsyncStartupException cause) {
        String where = cause.getBindAddress() + ":" + cause.getPort();
        BindException bind = findCause(cause, BindException.class);
        if (bind != null) {
            String message = String.valueOf(bind.getMessage()).toLowerCase();
            if (message.contains("assign") || message.contains("not available")) {
                return new FailureAnalysis("Vsync could not listen on " + where + ": the address " + cause.getBindAddress()
                        + " is not an address of this host (" + bind.getMessage() + ").",
                        "Set vsync.bind-address to an address of this host, or leave it unset to listen on every"
                                + " interface.",
                        cause);
            }
            return new FailureAnalysis(
                    "Vsync could not listen on " + where + ": port " + cause.getPort() + " is already in use ("
                            + bind.getMessage() + ").",
                    "Stop the process that listens on port " + cause.getPort()
                            + ", or set vsync.port to another port (vsync.port=0 picks a free one).",
                    cause);
        }
        UnknownHostException unknownHost = findCause(cause, UnknownHostException.class);
        if (unknownHost != null) {
            if (cause.getSeedDns() != null && cause.getMessage() != null && cause.getMessage().contains("seed-dns")) {
                return new FailureAnalysis("Vsync could not resolve vsync.seed-dns '" + cause.getSeedDns() + "'.",
                        "Check vsync.seed-dns: it must be a DNS name with A records (for a Kubernetes headless service,"
                                + " set publishNotReadyAddresses: true so that starting pods are listed).",
                        cause);
            }
            return new FailureAnalysis(
                    "Vsync could not resolve a host: " + unknownHost.getMessage() + " (vsync.bind-address "
                            + cause.getBindAddress() + ", vsync.seeds " + cause.getSeeds() + ").",
                    "Check vsync.seeds (host:port of other members) and vsync.bind-address.", cause);
        }
        if (cause.getGroup() != null) {
            return new FailureAnalysis(cause.getMessage(),
                    "Check that the seeds " + cause.getSeeds() + " (vsync.seeds / vsync.seed-dns) are reachable from"
                            + " this host, or raise vsync.lifecycle.join-timeout; set vsync.groups." + cause.getGroup()
                            + ".join-on-startup=false to join later from the application.",
                    cause);
        }
        return new FailureAnalysis(cause.getMessage(),
                "Check the Vsync settings: vsync.bind-address and vsync.port (" + where + "), vsync.seeds "
                        + cause.getSeeds() + ", and vsync.failure-detection.heartbeat-interval / timeout (the timeout"
                        + " must be longer than the interval).",
                cause);
    }

}
