package io.vsync.fuzz;

import static org.assertj.core.api.Assertions.assertThatCode;

import io.vsync.api.GroupStatus;
import io.vsync.api.MemberId;
import io.vsync.message.JoinRequest;
import org.junit.jupiter.api.Test;

/**
 * Findings of the hostile-input tests in the protocol core, kept as regression tests. Both are
 * fixed (GroupMember drops join requests in its own process's name; ViewChange refuses
 * implausible decisions and ViewStreams a cut below a delivery), so the fuzz generator no
 * longer avoids their triggers. See docs/security.md, "Findings".
 */
class ProtocolCoreFindingsTest {

    /**
     * F1 (found by ProtocolNodePropertyTest, seed 4956256974450, run 19): a JoinRequest naming a
     * joiner at the leader's own address but another incarnation. The leader proposes a view to
     * admit it; the installed view does not clear the pending join, so evaluate() proposes again
     * at once. A leader that is alone is its own majority, so propose, commit and install run
     * synchronously inside each other until StackOverflowError (GroupMember.install:1060 →
     * evaluate:761 → propose:770 → onPrepare → onPromise → advanceProposal → onAccept →
     * onAccepted → commit → onCommit → install …). With more members it is an endless series
     * of view changes instead. Remote trigger: any peer able to send a JoinRequest (anyone,
     * without cluster security).
     */
    @Test
    void aJoinerAtTheLeadersOwnAddressDoesNotMakeItProposeForever() {
        NodeHarness h = new NodeHarness(false); // the node created the group: a leader alone, its own majority
        long before = h.views;
        MemberId ghost = new MemberId(NodeHarness.SELF, 2147483648L);
        assertThatCode(() -> {
            h.node.onMessage(h.now, NodeHarness.PEER, new JoinRequest(NodeHarness.GROUP, ghost));
            for (int i = 0; i < 20; i++) {
                h.tick(50);
            }
        }).doesNotThrowAnyException();
        org.assertj.core.api.Assertions.assertThat(h.node.status(NodeHarness.GROUP)).isEqualTo(GroupStatus.MEMBER);
        org.assertj.core.api.Assertions.assertThat(h.views).as("a bounded number of views").isLessThan(before + 10);
    }

    /**
     * F2 (found by ProtocolNodePropertyTest, seed 5226773628560, run 454, run seed
     * -843286930376559819): a Promise carries an accepted decision whose trim is below what
     * this member already delivered (here Long.MIN_VALUE where it delivered 2; first seen as -1 where it delivered 3). The member, proposing,
     * adopts it ("carrying a stalled change forward"); ViewStreams.holds() checks only that the
     * trim is not above what it holds, so cut() runs and throws IllegalStateException("cut left
     * stream 0 at 3 of -1") out of onTick into the protocol thread (GroupMember.onCommit:1021 ←
     * commit:888 ← advanceProposal:821 ← … ← evaluate:761 ← memberTick:324). An honest decision
     * never cuts below a member's deliveries, so only forged or insider frames reach it: with
     * cluster security on, only a holder of the secret. Replays a recorded run (property seed 5226773628560, run 1921, run seed 7595132127100788767).
     */
    @Test
    void aDecisionCuttingBelowWhatWasDeliveredIsRefusedNotThrown() {
        java.util.Random rnd = new java.util.Random(7595132127100788767L);
        NodeHarness h = new NodeHarness();
        assertThatCode(() -> new Hostile(Source.of(rnd, 2_000), h, true, false).run(300)).doesNotThrowAnyException();
    }

    /*
     * F3 (found by Jazzer, ProtocolNodeFuzzTest, 226k runs): a causal-kind Data whose payload
     * starts with a huge count n of causal-past entries. CausalPast.strip computes
     * {@code int header = 4 + 8 * n}, which overflows to a negative number, passes the
     * {@code header > payload.length} check, and Arrays.copyOfRange throws
     * ArrayIndexOutOfBoundsException on delivery, out of ProtocolNode.onMessage
     * (CausalPast.strip:56 ← ViewStreams.hand:535 ← deliverUpTo:507 ← deliverReady:465 ←
     * onData:191 ← GroupMember.onViewTraffic:424). Fix: {@code long header = 4L + 8L * n}.
     * Its saved input is replayed by ProtocolNodeFuzzTest#knownFindings
     * (ProtocolNodeFuzzTestInputs/knownFindings/F3-causal-strip-crash); fixed.
     */
}
