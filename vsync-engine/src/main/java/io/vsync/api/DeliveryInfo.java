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
 * @param msgNo    the message's number at its sender: {@code (sender, msgNo)} names the message
 *                 at every member (a query's request too), the same across the resend of a
 *                 message a view change cut off; -1 when not known
 */
public record DeliveryInfo(String group, MemberId sender, long viewId, DeliveryKind kind, boolean replayed,
                           long msgNo) {

    public DeliveryInfo(String group, MemberId sender, long viewId, DeliveryKind kind) {
        this(group, sender, viewId, kind, false, -1);
    }

    public DeliveryInfo(String group, MemberId sender, long viewId, DeliveryKind kind, boolean replayed) {
        this(group, sender, viewId, kind, replayed, -1);
    }
}
