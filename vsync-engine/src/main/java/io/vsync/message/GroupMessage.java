package io.vsync.message;

/** A message about one group. */
public sealed interface GroupMessage extends ProtocolMessage
        permits Data, OrderToken, Ack, Nak, JoinProbe, JoinProbeReply, JoinRequest, LeaveRequest,
                Suspicion, Prepare, Promise, Accept, Accepted, Commit, Reject, NotMember, CatchUp {
    String group();
}
