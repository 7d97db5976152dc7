package io.vsync.history;

import io.vsync.api.MemberId;

/** A message's identity: the same across the resends of a message that missed a view's cut. */
record MessageId(MemberId sender, long msgNo) implements Comparable<MessageId> {

    static MessageId of(HistoryEvent.Sent sent) {
        return new MessageId(sent.member(), sent.msgNo());
    }

    static MessageId of(HistoryEvent.Delivered delivered) {
        return new MessageId(delivered.sender(), delivered.msgNo());
    }

    @Override
    public int compareTo(MessageId other) {
        int c = sender.compareTo(other.sender);
        return c != 0 ? c : Long.compare(msgNo, other.msgNo);
    }

    /** {@code host:port#incarnation/msgNo}: short enough to list many in one violation. */
    @Override
    public String toString() {
        return sender + "/" + msgNo;
    }
}
