package io.vsync.multicast;

import io.vsync.api.DeliveryKind;

/**
 * A message this member multicast in the current view, kept until it is stable so that it can
 * be sent again in the next view if the view change cuts it off.
 */
public record OwnMessage(long msgNo, DeliveryKind kind, byte[] payload, long firstSeq, long lastSeq) {
}
