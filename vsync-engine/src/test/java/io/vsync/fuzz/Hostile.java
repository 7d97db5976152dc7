package io.vsync.fuzz;

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
 * Builds well-formed but hostile protocol messages from a {@link Source}: wrong and extreme view
 * ids, unknown or stale senders, huge and negative sequence numbers, vectors of the wrong
 * length, decisions that make no sense. Values cluster around the node's real state so that the
 * handlers' deeper branches are reached, with extremes mixed in.
 */
final class Hostile {
    /**
     * Steers around the triggers of known core findings (ProtocolCoreFindingsTest) so that the
     * suite stays green and fuzzing finds new ones. Set false once the core is fixed.
     */
    static final boolean AVOID_KNOWN_FINDINGS_DEFAULT = false;
    private final boolean avoidF1;
    private final boolean avoidF2;

    private final Source src;
    private final NodeHarness h;
    /** When not null, every event is described here (to explain a finding). */
    java.util.List<String> trace;

    Hostile(Source src, NodeHarness h) {
        this(src, h, AVOID_KNOWN_FINDINGS_DEFAULT, AVOID_KNOWN_FINDINGS_DEFAULT);
    }

    /** @param avoidF1 @param avoidF2 false to replay a finding as it was found */
    Hostile(Source src, NodeHarness h, boolean avoidF1, boolean avoidF2) {
        this.src = src;
        this.h = h;
        this.avoidF1 = avoidF1;
        this.avoidF2 = avoidF2;
    }

    /** Runs up to {@code maxSteps} events on the harness's node. */
    void run(int maxSteps) {
        for (int step = 0; step < maxSteps && !src.exhausted(); step++) {
            int action = src.intIn(0, 11);
            if (action == 0) {
                int ms = src.intIn(0, 1_200);
                if (trace != null) {
                    trace.add("tick +" + ms + " ms");
                }
                h.tick(ms);
            } else if (action == 1) {
                h.node.flush();
            } else if (action == 2) {
                h.node.send(h.now, NodeHarness.GROUP, io.vsync.api.DeliveryKind.values()[src.intIn(0,
                        io.vsync.api.DeliveryKind.values().length - 1)], src.bytes(64));
            } else {
                String from = from();
                ProtocolMessage m = message();
                if (trace != null) {
                    trace.add("t=" + h.now + " from " + from + ": " + Describe.of(m));
                }
                h.node.onMessage(h.now, from, m);
                if (src.bool()) {
                    h.node.flush();
                }
            }
        }
        h.tick(1_000); // timers fire on whatever state the messages left
    }

    String from() {
        return switch (src.intIn(0, 5)) {
            case 0 -> NodeHarness.OTHER;
            case 1 -> NodeHarness.SELF;
            default -> NodeHarness.PEER;
        };
    }

    String group() {
        return src.intIn(0, 7) == 0 ? "other" : NodeHarness.GROUP;
    }

    long viewId() {
        long v = h.viewId();
        return switch (src.intIn(0, 9)) {
            case 0 -> v - 1;
            case 1 -> v + 1;
            case 2 -> v + 2;
            case 3 -> 0;
            case 4 -> Long.MAX_VALUE;
            case 5 -> Long.MIN_VALUE;
            case 6 -> src.anyLong();
            default -> v;
        };
    }

    long number() {
        return switch (src.intIn(0, 11)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> Long.MAX_VALUE;
            case 3 -> Long.MIN_VALUE;
            case 4 -> src.anyLong();
            case 5 -> 1L << 31;
            case 6 -> 1L << 40;
            default -> src.intIn(1, 64);
        };
    }

    MemberId member() {
        MemberId self = h.node.self(NodeHarness.GROUP);
        return switch (src.intIn(0, 7)) {
            case 0 -> self != null ? self : NodeHarness.peerId();
            case 1 -> new MemberId(NodeHarness.PEER, number());
            case 2 -> new MemberId(NodeHarness.OTHER, (3_000L << 16) | src.intIn(0, 3));
            case 3 -> new MemberId(NodeHarness.SELF, number());
            default -> NodeHarness.peerId();
        };
    }

    long[] vector() {
        int n = src.intIn(0, 10) == 0 ? src.intIn(0, 300) : src.intIn(0, 4);
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = number();
        }
        return v;
    }

    List<MemberId> members(int max) {
        int n = src.intIn(0, max);
        List<MemberId> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(member());
        }
        return list;
    }

    Ballot ballot() {
        return new Ballot(number(), member());
    }

    Decision decision() {
        List<MemberId> members = members(4);
        if (src.bool()) {
            members.add(0, h.node.self(NodeHarness.GROUP) != null ? h.node.self(NodeHarness.GROUP) : member());
        }
        long[] trim = vector();
        if (avoidF2) { // F2: a trim below what the node delivered throws out of ViewStreams.cut
            for (int i = 0; i < trim.length; i++) {
                trim[i] = Math.max(trim[i], 1L << 40);
            }
        }
        return new Decision(viewId(), members, members(2), members(2), members(2), trim, number());
    }

    ProtocolMessage message() {
        String g = group();
        return switch (src.intIn(0, 17)) {
            case 0 -> {
                Data d = new Data(g, viewId(), member(), number(), number(), (byte) src.intIn(-1, 6), src.bool(),
                        src.bytes(64));
                if (avoidF2 && d.kind() == io.vsync.api.DeliveryKind.CAUSAL.code() && d.payload().length >= 4) {
                    d.payload()[0] = 0; // F3: a causal header count over 2^28 overflows CausalPast.strip
                }
                yield d;
            }
            case 1 -> {
                int n = src.intIn(0, 6);
                List<MessageRef> refs = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    refs.add(new MessageRef(src.intIn(-2, 5), number()));
                }
                yield new OrderToken(g, viewId(), number(), refs);
            }
            case 2 -> new Ack(g, viewId(), vector(), number());
            case 3 -> new Nak(g, viewId(), src.intIn(-3, 5), number(), number());
            case 4 -> new JoinProbe(g, member());
            case 5 -> new JoinProbeReply(g, src.bool() ? null : member(), src.bool() ? null : member(), viewId());
            case 6 -> {
                MemberId joiner = member();
                if (avoidF1 && joiner.address().equals(NodeHarness.SELF)
                        && !joiner.equals(h.node.self(NodeHarness.GROUP))) {
                    joiner = NodeHarness.peerId(); // F1: a ghost of the leader's own process
                }
                yield new JoinRequest(g, joiner);
            }
            case 7 -> new LeaveRequest(g, viewId(), member());
            case 8 -> new Suspicion(g, viewId(), member());
            case 9 -> new Prepare(g, viewId(), ballot());
            case 10 -> new Promise(g, viewId(), ballot(), vector(), number(), src.bool() ? null : ballot(),
                    src.bool() ? null : decision());
            case 11 -> new Accept(g, viewId(), ballot(), decision());
            case 12 -> new Accepted(g, viewId(), ballot());
            case 13 -> new Commit(g, viewId(), decision());
            case 14 -> new Reject(g, viewId(), ballot());
            case 15 -> new NotMember(g, viewId(), src.bool() ? null : member());
            case 16 -> new CatchUp(g, viewId());
            default -> new Heartbeat(src.bool() ? 2_000 : number());
        };
    }
}
