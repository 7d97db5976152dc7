package io.vsync.api;

import java.util.Map;

/**
 * Counters of one group at one member, read without stopping the protocol.
 *
 * @param sent             messages multicast by this member
 * @param delivered        messages delivered to this member's handlers
 * @param bytesSent        payload bytes multicast by this member
 * @param bytesDelivered   payload bytes delivered
 * @param viewChanges      views installed
 * @param unstable         messages held because some member may still need them
 * @param pendingSends     application sends waiting for the next view or for flow control
 * @param handlerErrors    handler invocations that threw
 * @param undeliverable    payloads with no handler of their type, or that did not decode
 * @param sentByKind       {@code sent} by the primitive used (queries count as ORDERED)
 * @param deliveredByKind  {@code delivered} by the primitive used
 */
public record GroupStats(long sent, long delivered, long bytesSent, long bytesDelivered,
                         long viewChanges, long unstable, long pendingSends, long handlerErrors,
                         long undeliverable, Map<DeliveryKind, Long> sentByKind,
                         Map<DeliveryKind, Long> deliveredByKind) {

    public GroupStats {
        sentByKind = Map.copyOf(sentByKind);
        deliveredByKind = Map.copyOf(deliveredByKind);
    }

    /** Counters without the split by primitive. */
    public GroupStats(long sent, long delivered, long bytesSent, long bytesDelivered, long viewChanges, long unstable,
                      long pendingSends, long handlerErrors, long undeliverable) {
        this(sent, delivered, bytesSent, bytesDelivered, viewChanges, unstable, pendingSends, handlerErrors,
                undeliverable, Map.of(), Map.of());
    }
}
