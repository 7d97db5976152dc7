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

    // Written out rather than generated: these run a million times in one check, often before
    // the JIT has compiled anything, and the generated record methods are slow when cold.
    @Override
    public boolean equals(Object other) {
        return other instanceof MessageId that && msgNo == that.msgNo
                && (sender == that.sender || sender.incarnation() == that.sender.incarnation()
                && sender.address().equals(that.sender.address()));
    }

    @Override
    public int hashCode() {
        return (sender.address().hashCode() * 31 + Long.hashCode(sender.incarnation())) * 31 + Long.hashCode(msgNo);
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
