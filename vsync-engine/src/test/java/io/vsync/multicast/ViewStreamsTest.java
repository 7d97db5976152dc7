package io.vsync.multicast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vsync.api.DeliveryKind;
import io.vsync.api.MemberId;
import io.vsync.message.Ack;
import io.vsync.message.Data;
import io.vsync.message.MessageRef;
import io.vsync.message.Nak;
import io.vsync.message.OrderToken;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ViewStreamsTest {

    private static final MemberId A = new MemberId("a:1", 1);
    private static final MemberId B = new MemberId("b:1", 1);
    private static final MemberId C = new MemberId("c:1", 1);
    private static final List<MemberId> ABC = List.of(A, B, C);

    /** Records deliveries as "sender/msgNo". */
    private static final class Recorder implements DeliverySink {
        final List<String> delivered = new ArrayList<>();
        final List<byte[]> payloads = new ArrayList<>();
        long released;

        @Override
        public void deliver(MemberId sender, long msgNo, DeliveryKind kind, byte[] payload) {
            delivered.add(sender.address().charAt(0) + "/" + msgNo);
            payloads.add(payload);
        }

        @Override
        public void released(long bytes) {
            released += bytes;
        }
    }

    private static Data data(MemberId sender, long seq, DeliveryKind kind) {
        return new Data("g", 1, sender, seq, seq, kind.code(), true, new byte[] {(byte) seq});
    }

    private static Ack ack(long a, long b, long c, long tokens) {
        return new Ack("g", 1, new long[] {a, b, c}, tokens);
    }

    @Test
    void aMessageIsDeliveredOnlyOnceEveryMemberHoldsIt() {
        Recorder sink = new Recorder();
        ViewStreams b = new ViewStreams("g", 1, ABC, 1, 1024, sink);
        b.onData(2, data(C, 1, DeliveryKind.FIFO));
        assertThat(sink.delivered).as("A has not said it holds C's message").isEmpty();
        b.onAck(0, ack(0, 0, 1, 0));
        assertThat(sink.delivered).containsExactly("c/1");
    }

    @Test
    void fifoMessagesOfOneSenderAreDeliveredInSequenceWhateverTheArrivalOrder() {
        Recorder sink = new Recorder();
        ViewStreams b = new ViewStreams("g", 1, ABC, 1, 1024, sink);
        b.onAck(0, ack(0, 0, 3, 0));
        b.onData(2, data(C, 3, DeliveryKind.FIFO));
        b.onData(2, data(C, 2, DeliveryKind.FIFO));
        assertThat(sink.delivered).isEmpty();
        b.onData(2, data(C, 1, DeliveryKind.FIFO));
        assertThat(sink.delivered).containsExactly("c/1", "c/2", "c/3");
    }

    @Test
    void orderedMessagesWaitForTheirSlotFromTheSequencer() {
        Recorder sink = new Recorder();
        ViewStreams b = new ViewStreams("g", 1, ABC, 1, 1024, sink);
        b.onData(2, data(C, 1, DeliveryKind.ORDERED));
        b.onData(0, data(A, 1, DeliveryKind.ORDERED));
        b.onAck(0, ack(1, 0, 1, 1));
        b.onAck(2, ack(1, 0, 1, 1));
        assertThat(sink.delivered).as("no order token yet").isEmpty();
        b.onToken(new OrderToken("g", 1, 1, List.of(new MessageRef(2, 1), new MessageRef(0, 1))));
        assertThat(sink.delivered).containsExactly("c/1", "a/1");
    }

    @Test
    void anOrderedMessageIsAcknowledgedWithItsTokenNotAloneBeforeIt() {
        ViewStreams b = new ViewStreams("g", 1, ABC, 1, 1024, new Recorder());
        b.takeAck(true);
        b.onData(2, data(C, 1, DeliveryKind.ORDERED));
        assertThat(b.takeAck(false)).as("nobody can use it before the token").isNull();
        b.onToken(new OrderToken("g", 1, 1, List.of(new MessageRef(2, 1))));
        Ack ack = b.takeAck(false);
        assertThat(ack.received()).containsExactly(0, 0, 1);
        assertThat(ack.tokensReceived()).isEqualTo(1);
    }

    @Test
    void anOrderedMessageWhoseTokenCameFirstIsAcknowledgedAtOnce() {
        ViewStreams b = new ViewStreams("g", 1, ABC, 1, 1024, new Recorder());
        b.onToken(new OrderToken("g", 1, 1, List.of(new MessageRef(2, 1))));
        b.takeAck(false);
        b.onData(2, data(C, 1, DeliveryKind.ORDERED));
        assertThat(b.takeAck(false).received()).containsExactly(0, 0, 1);
    }

    @Test
    void anOrderedMessageNamedByATokenStillWaitingForAnEarlierOneIsAcknowledgedAtOnce() {
        ViewStreams b = new ViewStreams("g", 1, ABC, 1, 1024, new Recorder());
        b.onToken(new OrderToken("g", 1, 2, List.of(new MessageRef(2, 1)))); // token 1 not here yet
        b.takeAck(true);
        b.onData(2, data(C, 1, DeliveryKind.ORDERED));
        assertThat(b.takeAck(false)).isNotNull();
    }

    @Test
    void underLoadEveryMessageIsAcknowledgedAtOnce() {
        ViewStreams b = new ViewStreams("g", 1, ABC, 1, 1024, new Recorder());
        List<MessageRef> many = new ArrayList<>();
        for (long seq = 1; seq <= 500; seq++) {
            many.add(new MessageRef(0, seq));
        }
        many.add(new MessageRef(2, 1));
        b.onToken(new OrderToken("g", 1, 1, many));
        b.takeAck(true);
        b.onData(2, data(C, 1, DeliveryKind.ORDERED));
        assertThat(b.takeAck(false)).as("named by the big token").isNotNull();
        b.onData(2, data(C, 2, DeliveryKind.ORDERED));
        assertThat(b.takeAck(false)).as("not named yet, but 500 messages wait for delivery").isNotNull();
    }

    @Test
    void fifoMessagesFragmentsAndTheSequencersMessagesAreAcknowledgedAtOnce() {
        ViewStreams b = new ViewStreams("g", 1, ABC, 1, 1024, new Recorder());
        b.takeAck(true);
        b.onData(2, data(C, 1, DeliveryKind.FIFO));
        assertThat(b.takeAck(false).received()).containsExactly(0, 0, 1);
        b.onData(2, new Data("g", 1, C, 2, 2, DeliveryKind.ORDERED.code(), false, new byte[] {1}));
        assertThat(b.takeAck(false).received()).as("a fragment: the sender's window must not wait")
                .containsExactly(0, 0, 2);

        ViewStreams a = new ViewStreams("g", 1, ABC, 0, 1024, new Recorder());
        a.takeAck(true);
        a.onData(2, data(C, 1, DeliveryKind.ORDERED));
        assertThat(a.takeAck(false).received()).as("the sequencer").containsExactly(0, 0, 1);
    }

    @Test
    void theSequencerAssignsSlotsInTheOrderItHoldsMessages() {
        Recorder sink = new Recorder();
        ViewStreams a = new ViewStreams("g", 1, ABC, 0, 1024, sink);
        a.onData(2, data(C, 1, DeliveryKind.ORDERED));
        a.send(1, DeliveryKind.ORDERED, new byte[] {9});
        a.onData(1, data(B, 1, DeliveryKind.FIFO));
        OrderToken token = a.takeToken();
        assertThat(token.refs()).containsExactly(new MessageRef(2, 1), new MessageRef(0, 1));
        assertThat(a.takeToken()).as("nothing new to order").isNull();
    }

    @Test
    void membersThatDeliveredDifferentPrefixesEndTheViewWithTheSameSequence() {
        // B delivered the first slot before the view change; C did not. Both cut at the same point.
        Recorder atB = new Recorder();
        Recorder atC = new Recorder();
        ViewStreams b = new ViewStreams("g", 1, ABC, 1, 1024, atB);
        ViewStreams c = new ViewStreams("g", 1, ABC, 2, 1024, atC);
        OrderToken token = new OrderToken("g", 1, 1, List.of(new MessageRef(0, 1)));
        for (ViewStreams s : List.of(b, c)) {
            s.onData(0, data(A, 1, DeliveryKind.ORDERED));
            s.onData(0, data(A, 2, DeliveryKind.ORDERED));
            s.onToken(token);
        }
        b.onData(2, data(C, 1, DeliveryKind.ORDERED));
        c.send(1, DeliveryKind.ORDERED, new byte[] {1});
        b.onAck(0, ack(2, 0, 0, 1));
        b.onAck(2, ack(1, 0, 0, 1));
        assertThat(atB.delivered).containsExactly("a/1");
        assertThat(atC.delivered).isEmpty();

        long[] trim = {2, 0, 1};
        b.wedge();
        c.wedge();
        b.cut(trim, 1);
        c.cut(trim, 1);
        assertThat(atB.delivered).containsExactly("a/1", "a/2", "c/1");
        assertThat(atC.delivered).containsExactly("a/1", "a/2", "c/1");
    }

    @Test
    void slotsBeyondTheCutAreSkippedNotWaitedFor() {
        Recorder sink = new Recorder();
        ViewStreams b = new ViewStreams("g", 1, ABC, 1, 1024, sink);
        b.onData(0, data(A, 1, DeliveryKind.ORDERED));
        b.onData(2, data(C, 1, DeliveryKind.ORDERED));
        b.onToken(new OrderToken("g", 1, 1, List.of(new MessageRef(2, 2), new MessageRef(0, 1))));
        b.wedge();
        b.cut(new long[] {1, 0, 1}, 1);
        assertThat(sink.delivered).containsExactly("a/1", "c/1");
    }

    @Test
    void ownMessagesBeyondTheCutComeBackForTheNextView() {
        Recorder sink = new Recorder();
        ViewStreams a = new ViewStreams("g", 1, ABC, 0, 1024, sink);
        a.send(1, DeliveryKind.FIFO, new byte[] {1});
        a.send(2, DeliveryKind.FIFO, new byte[] {2, 2});
        a.wedge();
        List<OwnMessage> resend = a.cut(new long[] {1, 0, 0}, 0);
        assertThat(resend).extracting(OwnMessage::msgNo).containsExactly(2L);
        assertThat(sink.delivered).containsExactly("a/1");
        assertThat(sink.released).as("the delivered message's credit is back").isEqualTo(1);
    }

    @Test
    void aCutBeyondWhatIsHeldIsRefused() {
        ViewStreams a = new ViewStreams("g", 1, ABC, 0, 1024, new Recorder());
        assertThat(a.holds(new long[] {0, 1, 0}, 0)).isFalse();
        assertThatThrownBy(() -> a.cut(new long[] {0, 1, 0}, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void largeMessagesAreFragmentedAndReassembled() {
        Recorder atA = new Recorder();
        Recorder atB = new Recorder();
        ViewStreams a = new ViewStreams("g", 1, List.of(A, B), 0, 1024, atA);
        ViewStreams b = new ViewStreams("g", 1, List.of(A, B), 1, 1024, atB);
        byte[] big = new byte[5000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        List<Data> frames = a.send(7, DeliveryKind.ORDERED, big);
        assertThat(frames).hasSize(5);
        assertThat(frames).filteredOn(Data::last).hasSize(1);
        frames.forEach(f -> b.onData(0, f));
        b.onToken(a.takeToken());
        b.onAck(0, new Ack("g", 1, new long[] {5, 0}, 1));
        a.onAck(1, b.takeAck(true));
        assertThat(atB.payloads).hasSize(1);
        assertThat(atB.payloads.get(0)).isEqualTo(big);
        assertThat(atA.payloads.get(0)).isEqualTo(big);
    }

    @Test
    void gapsAreAskedOfTheOwnerOrElseOfAnUnsuspectedHolder() {
        ViewStreams b = new ViewStreams("g", 1, ABC, 1, 1024, new Recorder());
        b.onData(2, data(C, 2, DeliveryKind.FIFO));
        assertThat(b.naksDue(Set.of())).as("first sighting: give it one interval").isEmpty();
        List<ViewStreams.NakTo> naks = b.naksDue(Set.of());
        assertThat(naks).extracting(ViewStreams.NakTo::toRank).containsExactly(2);
        assertThat(naks.get(0).nak()).isEqualTo(new Nak("g", 1, 2, 1, 2));

        b.onAck(0, ack(0, 0, 2, 0));
        assertThat(b.naksDue(Set.of(2))).extracting(ViewStreams.NakTo::toRank).containsExactly(0);
    }

    @Test
    void aWedgedMemberReportsNoMoreThanItPromised() {
        ViewStreams b = new ViewStreams("g", 1, ABC, 1, 1024, new Recorder());
        b.onData(2, data(C, 1, DeliveryKind.FIFO));
        b.wedge();
        b.onData(2, data(C, 2, DeliveryKind.FIFO));
        assertThat(b.takeAck(true).received()).containsExactly(0, 0, 1);
        assertThat(b.received()).containsExactly(0, 0, 2);
    }

    @Test
    void framesThatDoNotFitTheViewAreRejected() {
        ViewStreams b = new ViewStreams("g", 1, ABC, 1, 1024, new Recorder());
        assertThat(b.onData(1, data(B, 1, DeliveryKind.FIFO))).as("own stream from outside").isFalse();
        assertThat(b.onData(2, data(C, 0, DeliveryKind.FIFO))).as("seq 0").isFalse();
        assertThat(b.onData(2, data(C, SeqBuffer.MAX_AHEAD + 5, DeliveryKind.FIFO))).as("absurdly far ahead").isFalse();
        assertThat(b.onAck(0, new Ack("g", 1, new long[] {1}, 0))).as("wrong vector length").isFalse();
        assertThat(b.onToken(new OrderToken("g", 1, 1, List.of(new MessageRef(7, 1))))).as("rank out of range").isFalse();
    }
}
