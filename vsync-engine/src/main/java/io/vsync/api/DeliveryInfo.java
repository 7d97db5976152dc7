package io.vsync.api;

/**
 * Metadata of one delivered message.
 *
 * @param group    the group's name
 * @param sender   the member that multicast it
 * @param viewId   the view it was sent and delivered in (always the same view)
 * @param kind     the primitive it was sent with
 * @param replayed true when the message is a safeSend recovered from the group's disk log and
 *                 replayed before joining (sender and view are those of the earlier run)
 */
public record DeliveryInfo(String group, MemberId sender, long viewId, DeliveryKind kind, boolean replayed) {

    public DeliveryInfo(String group, MemberId sender, long viewId, DeliveryKind kind) {
        this(group, sender, viewId, kind, false);
    }
}
