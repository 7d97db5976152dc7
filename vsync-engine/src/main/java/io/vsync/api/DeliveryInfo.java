package io.vsync.api;

/**
 * Metadata of one delivered message.
 *
 * @param group  the group's name
 * @param sender the member that multicast it
 * @param viewId the view it was sent and delivered in (always the same view)
 * @param kind   the primitive it was sent with
 */
public record DeliveryInfo(String group, MemberId sender, long viewId, DeliveryKind kind) {
}
