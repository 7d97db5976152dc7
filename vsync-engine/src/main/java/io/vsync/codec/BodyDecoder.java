package io.vsync.codec;

import io.vsync.api.DeliveryKind;
import io.vsync.api.MemberId;
import io.vsync.message.Accept;
import io.vsync.message.Accepted;
import io.vsync.message.Ack;
import io.vsync.message.Ballot;
import io.vsync.message.CatchUp;
import io.vsync.message.Commit;
import io.vsync.message.Data;
import io.vsync.message.Decision;
import io.vsync.message.Heartbeat;
import io.vsync.message.JoinProbe;
import io.vsync.message.JoinProbeReply;
import io.vsync.message.JoinRequest;
import io.vsync.message.LeaveRequest;
import io.vsync.message.MessageRef;
import io.vsync.message.Nak;
import io.vsync.message.NotMember;
import io.vsync.message.OrderToken;
import io.vsync.message.Prepare;
import io.vsync.message.Promise;
import io.vsync.message.ProtocolMessage;
import io.vsync.message.Reject;
import io.vsync.message.Suspicion;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the body of each frame type in the layout {@link BodyEncoder} writes. It checks
 * structure (lengths, counts, flag and presence bytes, known delivery kinds), not protocol
 * meaning: a rank or sequence number out of range for the view is the protocol's to reject.
 */
final class BodyDecoder {
    /** Smallest encoded MessageRef: rank and sequence number. */
    private static final int MESSAGE_REF_BYTES = 4 + 8;

    private BodyDecoder() {
    }

    static ProtocolMessage read(byte type, FrameReader r) throws MalformedFrameException {
        return switch (type) {
            case FrameType.DATA -> data(r);
            case FrameType.ACK -> new Ack(r.string("group name"), r.i64(), r.longs("ack received"), r.i64());
            case FrameType.ORDER_TOKEN -> orderToken(r);
            case FrameType.HEARTBEAT -> new Heartbeat(r.i64());
            case FrameType.NAK -> new Nak(r.string("group name"), r.i64(), r.i32(), r.i64(), r.i64());
            case FrameType.JOIN_PROBE -> new JoinProbe(r.string("group name"), r.memberId("joiner"), r.i64());
            case FrameType.JOIN_PROBE_REPLY -> new JoinProbeReply(r.string("group name"),
                    nullableMemberId(r, "leader"), nullableMemberId(r, "joining"), r.i64(), r.i64());
            case FrameType.JOIN_REQUEST -> new JoinRequest(r.string("group name"), r.memberId("joiner"));
            case FrameType.LEAVE_REQUEST -> new LeaveRequest(r.string("group name"), r.i64(), r.memberId("member"));
            case FrameType.SUSPICION -> new Suspicion(r.string("group name"), r.i64(), r.memberId("suspect"));
            case FrameType.PREPARE -> new Prepare(r.string("group name"), r.i64(), ballot(r));
            case FrameType.PROMISE -> promise(r);
            case FrameType.ACCEPT -> new Accept(r.string("group name"), r.i64(), ballot(r), decision(r));
            case FrameType.ACCEPTED -> new Accepted(r.string("group name"), r.i64(), ballot(r));
            case FrameType.COMMIT -> new Commit(r.string("group name"), r.i64(), decision(r));
            case FrameType.REJECT -> new Reject(r.string("group name"), r.i64(), ballot(r));
            case FrameType.NOT_MEMBER -> new NotMember(r.string("group name"), r.i64(), nullableMemberId(r, "member"));
            case FrameType.CATCH_UP -> new CatchUp(r.string("group name"), r.i64());
            default -> throw new MalformedFrameException("unknown frame type " + type);
        };
    }

    static Hello readHello(FrameReader r) throws MalformedFrameException {
        String address = r.string("listen address");
        if (address.isBlank()) {
            throw new MalformedFrameException("hello: blank listen address");
        }
        return new Hello(address);
    }

    private static Data data(FrameReader r) throws MalformedFrameException {
        String group = r.string("group name");
        long viewId = r.i64();
        MemberId sender = r.memberId("sender");
        long seq = r.i64();
        long msgNo = r.i64();
        byte kind = r.i8();
        if (DeliveryKind.fromCode(kind) == null) {
            throw new MalformedFrameException("data: unknown delivery kind " + kind);
        }
        boolean last = r.bool("data last-fragment flag");
        byte[] payload = r.bytes("data payload");
        return new Data(group, viewId, sender, seq, msgNo, kind, last, payload);
    }

    private static OrderToken orderToken(FrameReader r) throws MalformedFrameException {
        String group = r.string("group name");
        long viewId = r.i64();
        long tokenSeq = r.i64();
        int n = r.count(MESSAGE_REF_BYTES, FrameCodec.MAX_LIST_ELEMENTS, "order token refs");
        List<MessageRef> refs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            refs.add(new MessageRef(r.i32(), r.i64()));
        }
        return new OrderToken(group, viewId, tokenSeq, refs);
    }

    private static Promise promise(FrameReader r) throws MalformedFrameException {
        String group = r.string("group name");
        long viewId = r.i64();
        Ballot ballot = ballot(r);
        long[] received = r.longs("promise received");
        long tokensReceived = r.i64();
        Ballot acceptedBallot = r.present("promise accepted ballot") ? ballot(r) : null;
        Decision accepted = r.present("promise accepted decision") ? decision(r) : null;
        return new Promise(group, viewId, ballot, received, tokensReceived, acceptedBallot, accepted);
    }

    private static MemberId nullableMemberId(FrameReader r, String what) throws MalformedFrameException {
        return r.present(what) ? r.memberId(what) : null;
    }

    private static Ballot ballot(FrameReader r) throws MalformedFrameException {
        return new Ballot(r.i64(), r.memberId("ballot proposer"));
    }

    private static Decision decision(FrameReader r) throws MalformedFrameException {
        long newViewId = r.i64();
        List<MemberId> members = r.memberIds("decision members");
        List<MemberId> joined = r.memberIds("decision joined");
        List<MemberId> left = r.memberIds("decision left");
        List<MemberId> failed = r.memberIds("decision failed");
        long[] trim = r.longs("decision trim");
        long tokenTrim = r.i64();
        return new Decision(newViewId, members, joined, left, failed, trim, tokenTrim);
    }
}
