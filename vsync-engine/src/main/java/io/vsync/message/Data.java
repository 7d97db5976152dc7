package io.vsync.message;

import io.vsync.api.MemberId;

/**
 * One multicast message (or one fragment of a large one) in the sender's per-view stream.
 *
 * @param viewId   the view it was sent in; it is delivered in that view or not at all
 * @param sender   the sending member
 * @param seq      position in the sender's stream of this view, from 1, no gaps
 * @param msgNo    the sender's message number across views (stays the same when a message
 *                 that missed a view's cut is sent again in the next view)
 * @param kind     {@link io.vsync.api.DeliveryKind#code()}
 * @param last     false for every fragment of a message but its last
 * @param payload  the payload bytes (of this fragment)
 */
public record Data(String group, long viewId, MemberId sender, long seq, long msgNo, byte kind,
                   boolean last, byte[] payload) implements GroupMessage {
}
