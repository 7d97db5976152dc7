package io.vsync.codec;

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
import io.vsync.api.MemberId;
import java.util.List;

/**
 * Writes the body of each frame type; {@link BodyDecoder} reads exactly the same layout.
 * The most frequent types come first in the dispatch.
 */
final class BodyEncoder {
    private BodyEncoder() {
    }

    /**
     * About the body bytes of {@code m} after the header, exact for the frequent frame types
     * with ASCII names: the writer then allocates once, and its growing path stays cold.
     */
    static int expectedBytes(ProtocolMessage m) {
        if (m instanceof Ack a) {
            return 1 + a.group().length() + 8 + 4 + 8 * a.received().length + 8;
        }
        if (m instanceof OrderToken t) {
            return 1 + t.group().length() + 8 + 8 + 4 + (4 + 8) * t.refs().size();
        }
        return 128;
    }

    /** Writes the body of {@code m} and returns its {@link FrameType} code. */
    static byte write(FrameWriter w, ProtocolMessage m) {
        if (m instanceof Data d) {
            writeDataHead(w, d);
            w.raw(d.payload());
            return FrameType.DATA;
        }
        if (m instanceof Ack a) {
            w.string(a.group(), "group name");
            w.i64(a.viewId());
            w.longs(a.received());
            w.i64(a.tokensReceived());
            return FrameType.ACK;
        }
        if (m instanceof OrderToken t) {
            w.string(t.group(), "group name");
            w.i64(t.viewId());
            w.i64(t.tokenSeq());
            List<MessageRef> refs = t.refs();
            w.i32(refs.size());
            for (MessageRef r : refs) {
                w.i32(r.senderRank());
                w.i64(r.seq());
            }
            return FrameType.ORDER_TOKEN;
        }
        if (m instanceof Heartbeat h) {
            w.i64(h.incarnation());
            return FrameType.HEARTBEAT;
        }
        if (m instanceof Nak n) {
            w.string(n.group(), "group name");
            w.i64(n.viewId());
            w.i32(n.streamRank());
            w.i64(n.fromSeq());
            w.i64(n.toSeq());
            return FrameType.NAK;
        }
        if (m instanceof JoinProbe p) {
            w.string(p.group(), "group name");
            w.memberId(p.joiner());
            w.i64(p.position());
            return FrameType.JOIN_PROBE;
        }
        if (m instanceof JoinProbeReply r) {
            w.string(r.group(), "group name");
            nullableMemberId(w, r.leader());
            nullableMemberId(w, r.joining());
            w.i64(r.lastViewId());
            w.i64(r.joiningPosition());
            return FrameType.JOIN_PROBE_REPLY;
        }
        if (m instanceof JoinRequest r) {
            w.string(r.group(), "group name");
            w.memberId(r.joiner());
            return FrameType.JOIN_REQUEST;
        }
        if (m instanceof LeaveRequest r) {
            w.string(r.group(), "group name");
            w.i64(r.viewId());
            w.memberId(r.member());
            return FrameType.LEAVE_REQUEST;
        }
        if (m instanceof Suspicion s) {
            w.string(s.group(), "group name");
            w.i64(s.viewId());
            w.memberId(s.suspect());
            return FrameType.SUSPICION;
        }
        if (m instanceof Prepare p) {
            w.string(p.group(), "group name");
            w.i64(p.viewId());
            ballot(w, p.ballot());
            return FrameType.PREPARE;
        }
        if (m instanceof Promise p) {
            w.string(p.group(), "group name");
            w.i64(p.viewId());
            ballot(w, p.ballot());
            w.longs(p.received());
            w.i64(p.tokensReceived());
            w.bool(p.acceptedBallot() != null);
            if (p.acceptedBallot() != null) {
                ballot(w, p.acceptedBallot());
            }
            w.bool(p.accepted() != null);
            if (p.accepted() != null) {
                decision(w, p.accepted());
            }
            return FrameType.PROMISE;
        }
        if (m instanceof Accept a) {
            w.string(a.group(), "group name");
            w.i64(a.viewId());
            ballot(w, a.ballot());
            decision(w, a.decision());
            return FrameType.ACCEPT;
        }
        if (m instanceof Accepted a) {
            w.string(a.group(), "group name");
            w.i64(a.viewId());
            ballot(w, a.ballot());
            return FrameType.ACCEPTED;
        }
        if (m instanceof Commit c) {
            w.string(c.group(), "group name");
            w.i64(c.viewId());
            decision(w, c.decision());
            return FrameType.COMMIT;
        }
        if (m instanceof Reject r) {
            w.string(r.group(), "group name");
            w.i64(r.viewId());
            ballot(w, r.promised());
            return FrameType.REJECT;
        }
        if (m instanceof NotMember n) {
            w.string(n.group(), "group name");
            w.i64(n.currentViewId());
            nullableMemberId(w, n.member());
            return FrameType.NOT_MEMBER;
        }
        if (m instanceof CatchUp c) {
            w.string(c.group(), "group name");
            w.i64(c.viewId());
            return FrameType.CATCH_UP;
        }
        // Unreachable while ProtocolMessage is sealed and every record is handled above.
        throw new IllegalArgumentException("no frame type for " + m.getClass().getName());
    }

    /** A Data body up to and including its payload's length field: the payload bytes follow. */
    static byte writeDataHead(FrameWriter w, Data d) {
        w.string(d.group(), "group name");
        w.i64(d.viewId());
        w.memberId(d.sender());
        w.i64(d.seq());
        w.i64(d.msgNo());
        w.u8(d.kind());
        w.bool(d.last());
        w.i32(d.payload().length);
        return FrameType.DATA;
    }

    static byte writeHello(FrameWriter w, Hello hello) {
        w.string(hello.listenAddress(), "listen address");
        return FrameType.HELLO;
    }

    private static void nullableMemberId(FrameWriter w, MemberId id) {
        w.bool(id != null);
        if (id != null) {
            w.memberId(id);
        }
    }

    private static void ballot(FrameWriter w, Ballot b) {
        w.i64(b.round());
        w.memberId(b.proposer());
    }

    private static void decision(FrameWriter w, Decision d) {
        w.i64(d.newViewId());
        memberIds(w, d.members());
        memberIds(w, d.joined());
        memberIds(w, d.left());
        memberIds(w, d.failed());
        w.longs(d.trim());
        w.i64(d.tokenTrim());
    }

    private static void memberIds(FrameWriter w, List<MemberId> ids) {
        w.i32(ids.size());
        for (MemberId id : ids) {
            w.memberId(id);
        }
    }
}
